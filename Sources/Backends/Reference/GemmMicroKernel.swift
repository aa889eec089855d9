/// The 4×32 register tile of ``GemmKernel``: eight `SIMD16<Float>` accumulators, two vector
/// loads of packed `b` and four broadcasts of packed `a` per step of `k`.
///
/// Multiply-adds are fused only under `PX_FMA`: without an FMA-capable `-target-cpu`,
/// `addingProduct` compiles to a library call per lane, about 40 times slower than `a * b + c`.
enum GemmMicroKernel {
  typealias Vector = SIMD16<Float>

  @inline(__always)
  static func multiplyAdd(_ sum: Vector, _ a: Vector, _ b: Vector) -> Vector {
    #if PX_FMA
      return sum.addingProduct(a, b)
    #else
      return sum + a * b
    #endif
  }

  /// `c[0..<rows, 0..<columns] (+)= aPanel · bPanel` over `kc` steps. `scratch` holds a 4×32
  /// tile for edge tiles.
  @inline(__always)
  static func run(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    ldc: Int, rows: Int, columns: Int, accumulate: Bool, scratch: UnsafeMutablePointer<Float>
  ) {
    var c00 = Vector()
    var c01 = Vector()
    var c10 = Vector()
    var c11 = Vector()
    var c20 = Vector()
    var c21 = Vector()
    var c30 = Vector()
    var c31 = Vector()
    let bRaw = UnsafeRawPointer(b)
    for p in 0..<kc {
      let b0 = bRaw.loadUnaligned(fromByteOffset: p * 128, as: Vector.self)
      let b1 = bRaw.loadUnaligned(fromByteOffset: p * 128 + 64, as: Vector.self)
      let a0 = Vector(repeating: a[p * 4])
      let a1 = Vector(repeating: a[p * 4 + 1])
      let a2 = Vector(repeating: a[p * 4 + 2])
      let a3 = Vector(repeating: a[p * 4 + 3])
      c00 = multiplyAdd(c00, a0, b0)
      c01 = multiplyAdd(c01, a0, b1)
      c10 = multiplyAdd(c10, a1, b0)
      c11 = multiplyAdd(c11, a1, b1)
      c20 = multiplyAdd(c20, a2, b0)
      c21 = multiplyAdd(c21, a2, b1)
      c30 = multiplyAdd(c30, a3, b0)
      c31 = multiplyAdd(c31, a3, b1)
    }
    let full = rows == 4 && columns == 32
    let target = full ? c : scratch
    let stride = full ? ldc : 32
    let tileAccumulates = full && accumulate
    store(c00, c01, target, tileAccumulates)
    store(c10, c11, target + stride, tileAccumulates)
    store(c20, c21, target + 2 * stride, tileAccumulates)
    store(c30, c31, target + 3 * stride, tileAccumulates)
    guard !full else { return }
    for i in 0..<rows {
      let source = scratch + i * 32
      let row = c + i * ldc
      if accumulate {
        for j in 0..<columns { row[j] += source[j] }
      } else {
        row.update(from: source, count: columns)
      }
    }
  }

  @inline(__always)
  private static func store(
    _ low: Vector, _ high: Vector, _ target: UnsafeMutablePointer<Float>, _ accumulate: Bool
  ) {
    let raw = UnsafeMutableRawPointer(target)
    if accumulate {
      let oldLow = raw.loadUnaligned(as: Vector.self)
      let oldHigh = raw.loadUnaligned(fromByteOffset: 64, as: Vector.self)
      raw.storeBytes(of: oldLow + low, as: Vector.self)
      raw.storeBytes(of: oldHigh + high, toByteOffset: 64, as: Vector.self)
    } else {
      raw.storeBytes(of: low, as: Vector.self)
      raw.storeBytes(of: high, toByteOffset: 64, as: Vector.self)
    }
  }
}

/// The 8×32 register tile of ``GemmKernel``: sixteen `SIMD16<Float>` accumulators, two vector
/// loads of packed `b` and eight broadcasts of packed `a` per step of `k`.
///
/// Multiply-adds are fused only under `PX_FMA`: without an FMA-capable `-target-cpu`,
/// `addingProduct` compiles to a library call per lane, about 40 times slower than `a * b + c`.
enum GemmMicroKernel {
  typealias Vector = SIMD16<Float>
  static let rows = 8

  @inline(__always)
  static func multiplyAdd(_ sum: Vector, _ a: Vector, _ b: Vector) -> Vector {
    #if PX_FMA
      return sum.addingProduct(a, b)
    #else
      return sum + a * b
    #endif
  }

  /// `c[0..<rows, 0..<columns] (+)= aPanel · bPanel` over `kc` steps. `scratch` holds an 8×32
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
    var c40 = Vector()
    var c41 = Vector()
    var c50 = Vector()
    var c51 = Vector()
    var c60 = Vector()
    var c61 = Vector()
    var c70 = Vector()
    var c71 = Vector()
    let bRaw = UnsafeRawPointer(b)
    var pa = a
    for p in 0..<kc {
      let b0 = bRaw.loadUnaligned(fromByteOffset: p * 128, as: Vector.self)
      let b1 = bRaw.loadUnaligned(fromByteOffset: p * 128 + 64, as: Vector.self)
      var broadcast = Vector(repeating: pa[0])
      c00 = multiplyAdd(c00, broadcast, b0)
      c01 = multiplyAdd(c01, broadcast, b1)
      broadcast = Vector(repeating: pa[1])
      c10 = multiplyAdd(c10, broadcast, b0)
      c11 = multiplyAdd(c11, broadcast, b1)
      broadcast = Vector(repeating: pa[2])
      c20 = multiplyAdd(c20, broadcast, b0)
      c21 = multiplyAdd(c21, broadcast, b1)
      broadcast = Vector(repeating: pa[3])
      c30 = multiplyAdd(c30, broadcast, b0)
      c31 = multiplyAdd(c31, broadcast, b1)
      broadcast = Vector(repeating: pa[4])
      c40 = multiplyAdd(c40, broadcast, b0)
      c41 = multiplyAdd(c41, broadcast, b1)
      broadcast = Vector(repeating: pa[5])
      c50 = multiplyAdd(c50, broadcast, b0)
      c51 = multiplyAdd(c51, broadcast, b1)
      broadcast = Vector(repeating: pa[6])
      c60 = multiplyAdd(c60, broadcast, b0)
      c61 = multiplyAdd(c61, broadcast, b1)
      broadcast = Vector(repeating: pa[7])
      c70 = multiplyAdd(c70, broadcast, b0)
      c71 = multiplyAdd(c71, broadcast, b1)
      pa += Self.rows
    }
    let full = rows == Self.rows && columns == 32
    let target = full ? c : scratch
    let stride = full ? ldc : 32
    let tileAccumulates = full && accumulate
    store(c00, c01, target, tileAccumulates)
    store(c10, c11, target + stride, tileAccumulates)
    store(c20, c21, target + 2 * stride, tileAccumulates)
    store(c30, c31, target + 3 * stride, tileAccumulates)
    store(c40, c41, target + 4 * stride, tileAccumulates)
    store(c50, c51, target + 5 * stride, tileAccumulates)
    store(c60, c61, target + 6 * stride, tileAccumulates)
    store(c70, c71, target + 7 * stride, tileAccumulates)
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

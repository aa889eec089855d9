import BackendProtocol

/// The two inputs and the output of a broadcasting binary op, with the loop that applies an
/// elementwise function: fast paths for equal shapes, a scalar operand and a trailing-suffix
/// operand (a bias over rows), and a general strided path for everything else.
struct BinaryOperands {
  let a: TensorBuffer
  let b: TensorBuffer
  let out: TensorBuffer
  let parallel: Parallel

  /// `out = f(a, b)` elementwise, broadcasting.
  @inline(__always)
  func apply<T, U>(_ input: T.Type, _ output: U.Type, _ f: (T, T) -> U) {
    let x = a.pointer(T.self)
    let y = b.pointer(T.self)
    let z = out.pointer(U.self)
    let count = out.count
    guard count > 0 else { return }
    if a.count == count && b.count == count {
      parallel.forEachChunk(count) { range in
        for i in range { z[i] = f(x[i], y[i]) }
      }
    } else if b.count == 1 && a.count == count {
      let scalar = y[0]
      parallel.forEachChunk(count) { range in
        for i in range { z[i] = f(x[i], scalar) }
      }
    } else if a.count == 1 && b.count == count {
      let scalar = x[0]
      parallel.forEachChunk(count) { range in
        for i in range { z[i] = f(scalar, y[i]) }
      }
    } else if a.count == count && Self.isTrailing(b.shape, of: out.shape) {
      let width = b.count
      parallel.forEachChunk(count / width, grain: Parallel.minimumParallelCount / width) { rows in
        for row in rows {
          let base = row * width
          for j in 0..<width { z[base + j] = f(x[base + j], y[j]) }
        }
      }
    } else if b.count == count && Self.isTrailing(a.shape, of: out.shape) {
      let width = a.count
      parallel.forEachChunk(count / width, grain: Parallel.minimumParallelCount / width) { rows in
        for row in rows {
          let base = row * width
          for j in 0..<width { z[base + j] = f(x[j], y[base + j]) }
        }
      }
    } else {
      general(x, y, z, f)
    }
  }

  @inline(__always)
  private func general<T, U>(
    _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ z: UnsafeMutablePointer<U>,
    _ f: (T, T) -> U
  ) {
    let plan = BroadcastPlan(out: out.shape, inputs: [a.shape, b.shape])
    let width = plan.rowLength
    let sa = plan.innerStride(0)
    let sb = plan.innerStride(1)
    let grain = Swift.max(1, Parallel.minimumParallelCount / width)
    parallel.forEachChunk(plan.rowCount, grain: grain) { rows in
      plan.forEachRow(in: rows) { row, offsets in
        let o = z + row * width
        let p = x + offsets.0
        let q = y + offsets.1
        switch (sa, sb) {
        case (0, 0):
          let value = f(p[0], q[0])
          for j in 0..<width { o[j] = value }
        case (0, _):
          let scalar = p[0]
          for j in 0..<width { o[j] = f(scalar, q[j]) }
        case (_, 0):
          let scalar = q[0]
          for j in 0..<width { o[j] = f(p[j], scalar) }
        default:
          for j in 0..<width { o[j] = f(p[j], q[j]) }
        }
      }
    }
  }

  /// True when `inner` (ignoring leading 1s) equals the trailing axes of `outer`.
  static func isTrailing(_ inner: Shape, of outer: Shape) -> Bool {
    let dims = inner.dims.drop { $0 == 1 }
    guard dims.count <= outer.rank, !dims.isEmpty else { return false }
    return outer.dims.suffix(dims.count).elementsEqual(dims)
  }
}

import CPlexusPlugin

/// `matmul` of two matrices: `out[M, N] = op(a) · op(b)`, where `a` is stored `[M, K]` (`[K, M]`
/// when `transpose_a`) and `b` is `[K, N]` (`[N, K]` when `transpose_b`). Batched products (an
/// operand or the output of rank above 2) are left to the reference backend.
enum Matmul {
  /// The op's name in messages.
  static let name = "matmul"

  /// Whether this plugin runs `record`: false for a batched product. A record too malformed to
  /// tell is accepted, so that `execute` reports what is wrong with it.
  static func accepts(_ record: OpRecordView) -> Bool {
    let ranks = [record.rank(ofInput: 0), record.rank(ofInput: 1), record.rank(ofOutput: 0)]
    return !ranks.contains { ($0 ?? 0) > 2 }
  }

  /// Checks and runs `record`: inputs a and b, one output `[M, N]`, all of one dtype.
  static func run(_ record: OpRecordView) throws(OpFailure) {
    try record.requireCounts(inputs: 2, outputs: 1)
    guard accepts(record) else { throw .unsupported }
    let type = try record.elementType()
    let transposeA = try record.bool(PX_ATTR_TRANSPOSE_A, "transpose_a", default: false)
    let transposeB = try record.bool(PX_ATTR_TRANSPOSE_B, "transpose_b", default: false)
    let a = try record.input(0, "a", type)
    let b = try record.input(1, "b", type)
    let out = try record.output(0, type)
    guard a.shape.count == 2, b.shape.count == 2, out.shape.count == 2 else {
      throw .invalid(
        name,
        "expected a, b and the output of rank 2, received a \(describe(a.shape)), "
          + "b \(describe(b.shape)) and an output \(describe(out.shape))")
    }
    let geometry = Geometry(
      m: transposeA ? a.shape[1] : a.shape[0], k: transposeA ? a.shape[0] : a.shape[1],
      n: transposeB ? b.shape[0] : b.shape[1], transposeA: transposeA, transposeB: transposeB)
    let innerB = transposeB ? b.shape[1] : b.shape[0]
    guard innerB == geometry.k else {
      throw .invalid(
        name,
        "expected the inner sizes to agree: a \(describe(a.shape)) (transpose_a \(transposeA)) "
          + "has K = \(geometry.k), b \(describe(b.shape)) (transpose_b \(transposeB)) has "
          + "K = \(innerB)")
    }
    guard out.shape == [geometry.m, geometry.n] else {
      throw .invalid(
        name,
        "expected an output of shape \(describe([geometry.m, geometry.n])) for a "
          + "\(describe(a.shape)) and b \(describe(b.shape)), received \(describe(out.shape))")
    }
    try record.requireDisjoint(out, from: [a, b])
    guard out.count > 0 else { return }
    switch type {
    case .float32: try multiply(a, b, out, geometry, Float.self)
    case .float64: try multiply(a, b, out, geometry, Double.self)
    }
  }

  /// The sizes of one product, read from checked shapes: `m * k`, `k * n` and `m * n` are the
  /// element counts of `a`, `b` and the output, so no index below overflows.
  private struct Geometry {
    /// Rows of the product.
    let m: Int
    /// The inner size.
    let k: Int
    /// Columns of the product.
    let n: Int
    /// Whether `a` is stored `[K, M]`.
    let transposeA: Bool
    /// Whether `b` is stored `[N, K]`.
    let transposeB: Bool
  }

  /// Runs the product in `T`.
  private static func multiply<T: FloatElement>(
    _ a: TensorView, _ b: TensorView, _ out: TensorView, _ geometry: Geometry, _: T.Type
  ) throws(OpFailure) {
    let product = try out.elements(T.self, op: name)
    guard geometry.k > 0 else {
      // An empty sum: every element is 0.
      product.update(repeating: 0, count: out.count)
      return
    }
    let left = UnsafePointer(try a.elements(T.self, op: name))
    let right = UnsafePointer(try b.elements(T.self, op: name))
    guard geometry.transposeB else {
      accumulate(left, right, product, geometry)
      return
    }
    // The i-k-j loop reads rows of b: lay b^T out as [K, N] first, in the host's memory.
    guard let scratch = Host.allocate(byteCount: b.byteCount) else {
      Host.log(
        PX_PLUGIN_LOG_WARNING,
        "matmul: no memory for \(b.byteCount) bytes of transposed b; the reference backend runs it")
      throw .unsupported
    }
    defer { Host.deallocate(scratch) }
    let packed = scratch.bindMemory(to: T.self, capacity: b.count)
    let (k, n) = (geometry.k, geometry.n)
    for row in 0..<n {
      let source = right + row * k
      for column in 0..<k { packed[column * n + row] = source[column] }
    }
    accumulate(left, UnsafePointer(packed), product, geometry)
  }

  /// `out = op(a) · b` with `b` stored `[K, N]`, loop order i-k-j: each output row gathers
  /// scaled rows of `b`, so the innermost loop runs over contiguous memory and vectorises.
  @inline(__always)
  private static func accumulate<T: FloatElement>(
    _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
    _ geometry: Geometry
  ) {
    let (m, k, n) = (geometry.m, geometry.k, geometry.n)
    for i in 0..<m {
      let row = out + i * n
      row.update(repeating: 0, count: n)
      for p in 0..<k {
        // No skipping of zeros: a NaN or infinity in b must still reach the product.
        let scale = geometry.transposeA ? a[p * m + i] : a[i * k + p]
        let source = b + p * n
        for j in 0..<n { row[j] += scale * source[j] }
      }
    }
  }
}

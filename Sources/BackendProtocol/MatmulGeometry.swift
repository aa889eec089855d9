/// The sizes and batch layout of one `Backend.matmul` call, read from the operands and checked
/// once, so that every backend agrees on the contract's batching rule: equal batch axes, or a
/// side with a single matrix reused for every batch.
public struct MatmulGeometry: Sendable, Equatable {
  /// Rows of the product.
  public let m: Int
  /// Columns of the product.
  public let n: Int
  /// The inner dimension.
  public let k: Int
  /// Whether `a` is stored `[K, M]`.
  public let transposeA: Bool
  /// Whether `b` is stored `[N, K]`.
  public let transposeB: Bool
  /// The row lengths of `a` and `b` as stored (their last axes).
  public let lda: Int
  public let ldb: Int
  /// The number of products.
  public let batches: Int
  /// Elements between consecutive matrices of `a`, `b` and `out` (0: one matrix, reused).
  public let aStride: Int
  public let bStride: Int
  public let outStride: Int

  /// Reads the geometry; throws when the operands do not fit the contract.
  public init(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws {
    guard a.shape.rank >= 2, b.shape.rank >= 2, out.shape.rank >= 2 else {
      throw PlexusError.shapeMismatch(
        context: "matmul", expected: "operands of rank 2 or more",
        received: "\(a.shape) and \(b.shape)")
    }
    lda = a.shape[a.shape.rank - 1]
    ldb = b.shape[b.shape.rank - 1]
    m = transposeA ? lda : a.shape[a.shape.rank - 2]
    k = transposeA ? a.shape[a.shape.rank - 2] : lda
    n = transposeB ? b.shape[b.shape.rank - 2] : ldb
    self.transposeA = transposeA
    self.transposeB = transposeB
    // The product's sizes are checked against `out` first: every buffer's shape is validated,
    // so `m * n` is then bounded, where two huge empty operands would overflow it.
    guard out.shape[out.shape.rank - 2] == m, out.shape[out.shape.rank - 1] == n else {
      throw PlexusError.shapeMismatch(
        context: "matmul", expected: "an output of shape (..., \(m), \(n))",
        received: "\(out.shape) for \(a.shape) and \(b.shape)")
    }
    outStride = m * n
    batches = outStride == 0 ? 0 : out.count / outStride
    let aBatches = m * k == 0 ? 1 : a.count / (m * k)
    let bBatches = k * n == 0 ? 1 : b.count / (k * n)
    guard
      batches == 0
        || (aBatches == batches || aBatches == 1)
          && (bBatches == batches || bBatches == 1)
    else {
      throw PlexusError.shapeMismatch(
        context: "matmul", expected: "equal batch axes, or none on one side",
        received: "\(a.shape) and \(b.shape)")
    }
    aStride = aBatches == 1 ? 0 : m * k
    bStride = bBatches == 1 ? 0 : k * n
  }
}

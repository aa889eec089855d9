extension Ops {
  /// Matrix product over the last two axes, batched over the leading ones (NumPy `matmul`
  /// semantics, 1-D operands included). `transposeA` / `transposeB` swap the last two axes of an
  /// operand without a copy.
  public static func matmul(
    _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
  ) throws -> Tensor {
    if a.rank == 0 || b.rank == 0 {
      throw PlexusError.shapeMismatch(
        context: "matmul", expected: "operands of rank ≥ 1", received: "\(a.shape) and \(b.shape)")
    }
    if a.rank == 1 && b.rank == 1 {
      let product = try matmul(reshape(a, [1, a.count]), reshape(b, [b.count, 1]))
      return try reshape(product, [])
    }
    if a.rank == 1 {
      let product = try matmul(reshape(a, [1, a.count]), b, transposeB: transposeB)
      return try squeeze(product, axes: [-2])
    }
    if b.rank == 1 {
      let product = try matmul(a, reshape(b, [b.count, 1]), transposeA: transposeA)
      return try squeeze(product, axes: [-1])
    }
    if a.dtype != b.dtype {
      let common = promotedType(a.dtype, b.dtype)
      return try matmul(
        cast(a, to: common), cast(b, to: common), transposeA: transposeA, transposeB: transposeB)
    }
    let (m, k) =
      transposeA
      ? (a.shape[a.rank - 1], a.shape[a.rank - 2]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (kb, n) =
      transposeB
      ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
    guard k == kb else {
      throw PlexusError.shapeMismatch(
        context: "matmul",
        expected: "inner dimensions to match (\(a.shape) has \(k))",
        received: "\(b.shape) with \(kb)")
    }
    let batchA = Shape(Array(a.shape.dims.dropLast(2)))
    let batchB = Shape(Array(b.shape.dims.dropLast(2)))
    var (left, right) = (a, b)
    var batch = batchA.rank >= batchB.rank ? batchA : batchB
    if batchA != batchB && batchA.rank > 0 && batchB.rank > 0 {
      guard let common = Shape.broadcast(batchA, batchB) else {
        throw PlexusError.shapeMismatch(
          context: "matmul", expected: "batch axes that broadcast with \(a.shape)",
          received: "\(b.shape)")
      }
      batch = common
      left = try broadcastTo(a, Shape(common.dims + a.shape.dims.suffix(2)))
      right = try broadcastTo(b, Shape(common.dims + b.shape.dims.suffix(2)))
    }
    let shape = try Shape(batch.dims + [m, n]).validated(context: "matmul")
    return try Dispatcher.execute(
      .matmul, left, right, matmulAttributes[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)],
      output: a.dtype, shape)
  }

  /// The four attribute sets of a product, made once: products are the hottest ops.
  private static let matmulAttributes: [OpAttributes] = [
    (false, false), (false, true), (true, false), (true, true),
  ].map {
    [.transposeA: .bool($0.0), .transposeB: .bool($0.1)]
  }
}

extension Ops {
  /// Softmax along `axis` (negative counts from the end): `exp(x) / sum(exp(x))` over that
  /// axis. Runs the last-axis kernel between two transposes when `axis` is not the last.
  /// Equivalent to `keras.ops.softmax(x, axis)`.
  public static func softmax(_ x: Tensor, axis: Int) throws -> Tensor {
    try alongAxis(x, axis, op: "softmax") { try softmax($0) }
  }

  /// Log-softmax along `axis` (negative counts from the end): `x - log(sum(exp(x)))` over that
  /// axis. Equivalent to `keras.ops.log_softmax(x, axis)`.
  public static func logSoftmax(_ x: Tensor, axis: Int) throws -> Tensor {
    try alongAxis(x, axis, op: "log_softmax") { try logSoftmax($0) }
  }

  /// Applies a last-axis function along `axis`, by swapping that axis with the last one
  /// around it (a swap is its own inverse).
  private static func alongAxis(
    _ x: Tensor, _ axis: Int, op: String, _ lastAxis: (Tensor) throws -> Tensor
  ) throws -> Tensor {
    let rank = x.rank
    guard rank > 0 else { return try lastAxis(x) }
    let resolved = axis < 0 ? axis + rank : axis
    guard (0..<rank).contains(resolved) else {
      throw PlexusError.invalidArgument(
        context: "Ops.\(op)",
        message: "axis \(axis) is out of range for a tensor of rank \(rank) (shape \(x.shape)); "
          + "pass an axis in \(-rank)..<\(rank)")
    }
    guard resolved != rank - 1 else { return try lastAxis(x) }
    var permutation = Array(0..<rank)
    permutation.swapAt(resolved, rank - 1)
    let moved = try transpose(x, permutation: permutation)
    return try transpose(lastAxis(moved), permutation: permutation)
  }
}

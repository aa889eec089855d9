extension Ops {
  /// Reduces `x` over `axes` (every axis when nil) with a reduction primitive.
  static func reduce(_ op: OpCode, _ x: Tensor, axes: [Int]?, keepDims: Bool) throws -> Tensor {
    let resolved = try normalizedAxes(axes, rank: x.rank, op: "\(op)")
    if resolved.isEmpty { return x }
    for axis in resolved where x.shape[axis] == 0 && op != .sum && op != .prod {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "cannot reduce over axis \(axis) of size 0 in \(x.shape)")
    }
    let kept = x.shape.dims.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
    if Shape(kept).elementCount == 0 {
      let empty = Tensor(TensorBuffer(dtype: outType(op, x.dtype), shape: Shape(kept)))
      return keepDims ? try reshape(empty, keptDimsShape(x.shape, resolved)) : empty
    }
    if x.count == 0 && (op == .sum || op == .prod) {
      // An empty reduction is the identity, as in NumPy; kernels never see a zero-length axis.
      let identity = try Tensor.full(Shape(kept), value: op == .sum ? 0 : 1, dtype: x.dtype)
      return keepDims ? try reshape(identity, keptDimsShape(x.shape, resolved)) : identity
    }
    let reduced = try Dispatcher.execute(
      op, x, [.axes: .ints(resolved)], output: outType(op, x.dtype), Shape(kept))
    return keepDims ? try reshape(reduced, keptDimsShape(x.shape, resolved)) : reduced
  }

  /// The dtype a reduction writes: indices for `argmax` and `argmin`, else the input's.
  private static func outType(_ op: OpCode, _ dtype: DType) -> DType {
    (op == .argmax || op == .argmin) ? .int32 : dtype
  }

  /// `shape` with every axis in `axes` set to 1.
  static func keptDimsShape(_ shape: Shape, _ axes: [Int]) -> Shape {
    var dims = shape.dims
    for axis in axes { dims[axis] = 1 }
    return Shape(dims)
  }

  /// Sum over `axes` (all when nil).
  public static func sum(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.sum, x, axes: axes, keepDims: keepDims)
  }

  /// Maximum over `axes` (all when nil).
  public static func max(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.max, x, axes: axes, keepDims: keepDims)
  }

  /// Minimum over `axes` (all when nil).
  public static func min(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
    try reduce(.min, x, axes: axes, keepDims: keepDims)
  }

  /// Product over `axes` (all when nil).
  public static func prod(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws
    -> Tensor
  {
    try reduce(.prod, x, axes: axes, keepDims: keepDims)
  }

  /// Mean over `axes` (all when nil).
  public static func mean(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws
    -> Tensor
  {
    try requireFloat(x, op: "mean")
    let resolved = try normalizedAxes(axes, rank: x.rank, op: "mean")
    let count = resolved.reduce(1) { $0 * x.shape[$1] }
    let total = try sum(x, axes: resolved, keepDims: keepDims)
    return try multiply(total, Tensor.scalar(1 / Double(Swift.max(count, 1)), dtype: x.dtype))
  }

  /// Index of the largest element along `axis`, as `int32`.
  public static func argmax(_ x: Tensor, axis: Int = -1, keepDims: Bool = false) throws -> Tensor {
    try reduce(
      .argmax, x, axes: [normalizedAxis(axis, rank: x.rank, op: "argmax")], keepDims: keepDims)
  }

  /// Index of the smallest element along `axis`, as `int32`.
  public static func argmin(_ x: Tensor, axis: Int = -1, keepDims: Bool = false) throws -> Tensor {
    try reduce(
      .argmin, x, axes: [normalizedAxis(axis, rank: x.rank, op: "argmin")], keepDims: keepDims)
  }

  /// `log(sum(exp(x)))` over `axes`, computed stably.
  public static func logSumExp(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws
    -> Tensor
  {
    try requireFloat(x, op: "logsumexp")
    let resolved = try normalizedAxes(axes, rank: x.rank, op: "logsumexp")
    let rawPeak = stopGradient(try max(x, axes: resolved, keepDims: true))
    // An infinite peak shifts by 0 instead, as JAX does: x - (-inf) over an all -inf slice
    // would be NaN, where the answer is -inf (and +inf for a +inf peak).
    let infinite = try equal(abs(rawPeak), Tensor.scalar(.infinity, dtype: x.dtype))
    let peak = try self.where(infinite, Tensor.scalar(0, dtype: x.dtype), rawPeak)
    let shifted = try log(sum(exp(subtract(x, peak)), axes: resolved, keepDims: true))
    let result = try add(shifted, peak)
    return keepDims ? result : try reshape(result, removedAxesShape(x.shape, resolved))
  }

  /// `shape` without the axes in `axes`.
  static func removedAxesShape(_ shape: Shape, _ axes: [Int]) -> Shape {
    Shape(shape.dims.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
  }
}

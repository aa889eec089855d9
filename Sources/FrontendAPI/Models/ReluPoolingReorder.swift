/// A convolution with a relu followed by a max pooling, run as convolution → max pooling →
/// relu: the same values and gradients, with the relu and its gradient on the pooled tensor
/// (a quarter of the elements for 2×2 windows) and no gradient pass over the convolution's
/// whole output.
///
/// Exact because relu is non-decreasing: the largest relu of a window is the relu of its
/// largest element. Where that largest element is positive, both orders pick the same one
/// (relu keeps positive values and their ties as they are), so the gradient reaches the same
/// cell; where it is 0 or below, relu's gradient is 0 in both orders. NaN propagates through
/// both. It applies to `Conv1D` and `Conv2D` (whose call this reorders) with a relu and no
/// activity regularizer (which would see the convolution's output), followed by
/// `MaxPooling1D` / `MaxPooling2D` of the same rank; anything else runs layer by layer. A
/// Sequential reorders each such pair of adjacent layers; a Functional model each such pair of
/// calls where the pooling is the only consumer of the convolution's output and that output
/// is not one of the model's.
///
/// Measured on the anchors' CNN on oneDNN: the relu gradients over the two convolutions'
/// outputs (2.8 M and 1.0 M elements at batch 128) took about 1.1 ms of each step.
enum ReluPoolingReorder {
  /// `second(first(x))` reordered, or nil when the pair does not qualify.
  static func apply(
    _ first: Layer, then second: Layer, to x: Tensor, training: Bool
  ) throws -> Tensor? {
    guard let (convolution, pooling) = pair(first, second) else { return nil }
    try convolution.prepare([x])
    let linear = try convolution.convolve(x, .linear)
    let pooled = try pooling.apply([linear], training: training)
    return try convolution.namingErrors { try ActivationFunction.relu(pooled) }
  }

  /// Whether `second(first(x))` may run reordered.
  static func qualifies(_ first: Layer, then second: Layer) -> Bool {
    pair(first, second) != nil
  }

  private static func pair(_ first: Layer, _ second: Layer) -> (BaseConv, BasePooling)? {
    guard let convolution = first as? BaseConv,
      type(of: convolution) == Conv2D.self || type(of: convolution) == Conv1D.self,
      convolution.activation == .relu, convolution.activityRegularizer == nil,
      let pooling = second as? BasePooling,
      type(of: pooling) == MaxPooling2D.self || type(of: pooling) == MaxPooling1D.self,
      pooling.rank == convolution.rank,
      // Under a mixed policy the pair runs as layers (apply casts and autocasts).
      convolution.computeDType == .float32, pooling.computeDType == .float32
    else { return nil }
    return (convolution, pooling)
  }
}

/// The negated cosine similarity between targets and predictions along `axis`:
/// `-sum(l2normalize(yTrue) · l2normalize(yPred), axis)`.
///
/// The loss runs from -1 (the same direction) through 0 (orthogonal) to 1 (opposite). Each
/// vector is scaled by `min(1 / ‖x‖, 1e7)`, as Keras's `normalize` does, so a zero vector gives
/// 0 rather than NaN.
///
/// - `yTrue`, `yPred`: the same shape, of rank >= 1; targets lacking the predictions' trailing
///   axis of 1 are accepted. Per-sample result: the shape without `axis`.
///
/// Keras's `get_config` leaves `axis` out, so a Keras file loses it; Plexus writes `axis` when
/// it is not the default -1 (Keras's `from_config` reads it back), and reads it when present.
/// Equivalent to `keras.losses.CosineSimilarity`.
public final class CosineSimilarity: Loss {
  /// The axis the vectors lie along (negative counts from the end).
  public let axis: Int

  /// Creates the loss.
  public init(
    axis: Int = -1, reduction: Reduction = .sumOverBatchSize, name: String = "cosine_similarity"
  ) {
    self.axis = axis
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample negated cosine similarities.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred, minimumRank: 1)
    let targets = try matchedTargets(yTrue, yPred)
    guard let resolved = Shape.normalize(axis: axis, rank: yPred.rank) else {
      throw PlexusError.invalidArgument(
        context: errorContext,
        message: "axis \(axis) is out of range for predictions of shape \(yPred.shape) "
          + "(rank \(yPred.rank)); use an axis in -\(yPred.rank)..<\(yPred.rank)")
    }
    let products = try Ops.multiply(normalized(targets, resolved), normalized(yPred, resolved))
    return try Ops.negative(Ops.sum(products, axes: [resolved]))
  }

  /// `x · min(rsqrt(sum(x², axis)), 1 / 1e-7)`: Keras's `normalize` with its epsilon.
  private func normalized(_ x: Tensor, _ axis: Int) throws -> Tensor {
    let squares = try Ops.sum(Ops.square(x), axes: [axis], keepDims: true)
    let inverse = try Ops.minimum(Ops.rsqrt(squares), Tensor.scalar(1 / 1e-7, dtype: x.dtype))
    return try Ops.multiply(x, inverse)
  }

  /// `name` and `reduction` as Keras writes them, and `axis` when it is not -1.
  public override var config: [String: ConfigValue] {
    axis == -1 ? super.config : super.config.merging(["axis": .int(axis)]) { $1 }
  }
}

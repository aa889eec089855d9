/// How often the integer target class is among the `k` highest-scoring predicted classes.
///
/// A hit when fewer than `k` scores are strictly greater than the target class's own, so ties
/// at the edge of the top `k` are hits (`in_top_k` on the JAX backend); a NaN score for the
/// target class is never a hit. A label outside `0..<classes` is an error that names it.
///
/// - `yTrue`: integer labels `(batch, ...)`, or `(batch, ..., 1)`.
/// - `yPred`: scores `(batch, ..., classes)`. One value per sample `(batch, ...)`.
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.SparseTopKCategoricalAccuracy`.
public final class SparseTopKCategoricalAccuracy: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// How many of the highest scores count as a hit (`k < 1` never hits).
  public let k: Int

  /// Creates the metric.
  public init(k: Int = 5, name: String = "sparse_top_k_categorical_accuracy") {
    self.k = k
    super.init(name: name)
  }

  /// `name`, `dtype` and `k`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["k": .int(k)]) { $1 }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    guard yPred.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "predictions with a class axis",
        received: "predictions of shape \(yPred.shape)")
    }
    let samples = Shape(Array(yPred.shape.dims.dropLast()))
    guard yTrue.shape == samples || yTrue.shape == Shape(samples.dims + [1]) else {
      throw PlexusError.shapeMismatch(
        context: errorContext,
        expected: "labels of shape \(samples) or \(Shape(samples.dims + [1])) for predictions "
          + "of shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    let labels = try Self.hostValues(yTrue)
    let scores = try Self.hostValues(yPred)
    let classes = yPred.shape[yPred.rank - 1]
    var hits = [Double](repeating: 0, count: samples.elementCount)
    for sample in hits.indices {
      let label = labels[sample]
      guard label >= 0, label < Double(classes), label == label.rounded(.towardZero) else {
        throw PlexusError.invalidArgument(
          context: errorContext,
          message: "label \(label) of sample \(sample) is not a class of 0..<\(classes)")
      }
      let row = scores[(sample * classes)..<((sample + 1) * classes)]
      let hit = TopKCategoricalAccuracy.isHit(
        label: row.startIndex + Int(label), scores: row, k: k)
      hits[sample] = hit ? 1 : 0
    }
    try accumulate(hits, shape: samples, sampleWeight: sampleWeight)
  }
}

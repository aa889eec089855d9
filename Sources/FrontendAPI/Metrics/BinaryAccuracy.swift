/// How often `yPred > threshold` equals the binary target, element by element.
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.BinaryAccuracy`.
public final class BinaryAccuracy: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// The probability above which a prediction counts as 1.
  public let threshold: Double

  /// Creates the metric.
  public init(name: String = "binary_accuracy", threshold: Double = 0.5) {
    self.threshold = threshold
    super.init(name: name)
  }

  /// `name`, `dtype` and `threshold`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["threshold": .double(threshold)]) { $1 }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    guard yTrue.count == yPred.count else {
      throw PlexusError.shapeMismatch(
        context: "BinaryAccuracy", expected: "labels of the predictions' shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    let truth = try Self.hostValues(yTrue)
    let predicted = try Self.hostValues(yPred)
    // Keras compares in float32: a prediction equal to the threshold's float32 value is not
    // above it.
    let cut = Double(Float(threshold))
    let hits = zip(truth, predicted).map { ($1 > cut ? 1.0 : 0.0) == $0 ? 1.0 : 0.0 }
    let shape = yPred.rank >= yTrue.rank ? yPred.shape : yTrue.shape
    try accumulate(hits, shape: shape, sampleWeight: sampleWeight)
  }
}

/// How often the highest-scoring class equals the one-hot target's class.
///
/// - `yTrue`, `yPred`: `(batch, ..., classes)`, the same shape.
///
/// Two `argmax` ops per update; the comparison runs on the host.
/// Equivalent to `keras.metrics.CategoricalAccuracy`.
public final class CategoricalAccuracy: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// Creates the metric.
  public override init(name: String = "categorical_accuracy") {
    super.init(name: name)
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    guard yPred.rank >= 1, yTrue.shape == yPred.shape else {
      throw PlexusError.shapeMismatch(
        context: "CategoricalAccuracy",
        expected: "one-hot labels of the predictions' shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    let predicted = try Self.hostArgmax(yPred)
    let truth = try Self.hostArgmax(yTrue)
    let hits = zip(truth, predicted).map { $0 == $1 ? 1.0 : 0.0 }
    let samples = Shape(Array(yPred.shape.dims.dropLast()))
    try accumulate(hits, shape: samples, sampleWeight: sampleWeight)
  }
}

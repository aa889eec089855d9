/// How often predictions equal labels exactly, element by element.
///
/// Equivalent to `keras.metrics.Accuracy`.
public final class Accuracy: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// Creates the metric.
  public override init(name: String = "accuracy") {
    super.init(name: name)
  }

  /// Adds one batch: `yTrue` and `yPred` of the same element count (a trailing axis of 1 on
  /// either side is accepted).
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    guard yTrue.count == yPred.count else {
      throw PlexusError.shapeMismatch(
        context: "Accuracy", expected: "labels of the predictions' shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    let truth = try Self.hostValues(yTrue)
    let predicted = try Self.hostValues(yPred)
    let hits = zip(truth, predicted).map { $0 == $1 ? 1.0 : 0.0 }
    let shape = yPred.rank >= yTrue.rank ? yPred.shape : yTrue.shape
    try accumulate(hits, shape: shape, sampleWeight: sampleWeight)
  }
}

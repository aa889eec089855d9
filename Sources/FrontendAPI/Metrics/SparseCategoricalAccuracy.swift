/// How often the highest-scoring class equals the integer label.
///
/// - `yTrue`: labels of shape `(batch, ...)` or with a trailing axis of 1 (any numeric dtype).
/// - `yPred`: scores of shape `(batch, ..., classes)`.
///
/// One `argmax` op per update; the comparison runs on the host.
/// Equivalent to `keras.metrics.SparseCategoricalAccuracy`.
public final class SparseCategoricalAccuracy: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// Creates the metric.
  public override init(name: String = "sparse_categorical_accuracy") {
    super.init(name: name)
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    guard yPred.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: "SparseCategoricalAccuracy", expected: "predictions with a class axis",
        received: "predictions of shape \(yPred.shape)")
    }
    let expected = Shape(Array(yPred.shape.dims.dropLast()))
    guard yTrue.shape == expected || yTrue.shape == Shape(expected.dims + [1]) else {
      throw PlexusError.shapeMismatch(
        context: "SparseCategoricalAccuracy",
        expected: "labels of shape \(expected) or \(Shape(expected.dims + [1])) for "
          + "predictions of shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    let predicted = try Self.hostArgmax(yPred)
    let truth = try Self.hostValues(yTrue)
    let hits = zip(truth, predicted).map { $0 == $1 ? 1.0 : 0.0 }
    try accumulate(hits, shape: expected, sampleWeight: sampleWeight)
  }
}

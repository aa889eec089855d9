extension Metrics {
  /// The running mean of per-sample mean absolute errors, `mean(|yTrue - yPred|, axis: -1)`.
  ///
  /// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
  ///   Each sample is a row of the last axis; a rank-1 batch is one sample, as in Keras.
  ///
  /// No op per update: both tensors are read on the host.
  /// Equivalent to `keras.metrics.MeanAbsoluteError` (the loss is ``MeanAbsoluteError``).
  public final class MeanAbsoluteError: Metric {
    /// A mask on the predictions weighs each update, as Keras's.
    public override var weighsByPredictionMask: Bool { true }

    /// Creates the metric.
    public override init(name: String = "mean_absolute_error") {
      super.init(name: name)
    }

    /// Adds one batch.
    public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
      throws
    {
      let (truth, predicted, shape) = try matchedValues(yTrue, yPred)
      let errors = zip(truth, predicted).map { Swift.abs($0 - $1) }
      guard let width = shape.dims.last else {
        return try accumulate(errors, shape: shape, sampleWeight: sampleWeight)
      }
      // One value per row of the last axis: the row's mean.
      var means: [Double] = []
      if width > 0 {
        means.reserveCapacity(errors.count / width)
        for start in stride(from: 0, to: errors.count, by: width) {
          means.append(errors[start..<(start + width)].reduce(0, +) / Double(width))
        }
      } else {
        means = [Double](repeating: .nan, count: Shape(shape.dims.dropLast()).elementCount)
      }
      try accumulate(means, shape: Shape(shape.dims.dropLast()), sampleWeight: sampleWeight)
    }
  }
}

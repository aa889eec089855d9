/// The running mean of the Pearson correlation coefficient between targets and predictions
/// along `axis`: `mean(z(yTrue) · z(yPred))`, `z` each group centred and divided by its standard
/// deviation. 1 for a perfect positive linear relation, 0 for none, -1 for a negative one; NaN
/// where a group does not vary, as Keras's.
///
/// ```swift
/// try model.compile(optimizer: "sgd", loss: "mse", metrics: [PearsonCorrelation()])
/// ```
/// - `yTrue`, `yPred`: the same shape (one may have an extra trailing axis of 1).
///
/// Equivalent to `keras.metrics.PearsonCorrelation`.
public final class PearsonCorrelation: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// The axes the coefficient is taken along (negative counts from the end).
  public let axis: [Int]

  /// Creates the metric over one axis (the last by default).
  public convenience init(name: String = "pearson_correlation", axis: Int = -1) {
    self.init(name: name, axes: [axis])
  }

  /// Creates the metric over several axes (Keras's `axis=(1, 2)`).
  public init(name: String = "pearson_correlation", axes: [Int]) {
    self.axis = axes
    super.init(name: name)
  }

  /// Adds one batch: each group's coefficient, weighted by `sampleWeight` when given.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try accumulateGroups(yTrue, yPred, axis: axis, sampleWeight: sampleWeight) { t, p in
      // Keras's order: centre, divide by the centred values' deviation, average the products.
      let (meanT, meanP) = (Self.mean(t), Self.mean(p))
      let centredT = t.map { $0 - meanT }
      let centredP = p.map { $0 - meanP }
      let (deviationT, deviationP) = (
        Self.variance(centredT).squareRoot(), Self.variance(centredP).squareRoot()
      )
      return Self.mean(
        zip(centredT, centredP).map { ($0 / deviationT) * ($1 / deviationP) })
    }
  }

  /// `name`, `dtype` and `axis` (an integer, or a list for several).
  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": Loss.axisValue(axis)]) { $1 }
  }
}

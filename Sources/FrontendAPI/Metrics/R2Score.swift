/// The coefficient of determination of each output column, `1 - SS_res / SS_tot`, over every
/// batch seen, aggregated across columns (or not).
///
/// Per column, with weights `w`: `SS_res = Σ w·(yTrue - yPred)²` and
/// `SS_tot = Σ w·yTrue² - (Σ w·yTrue)² / Σ w`. A column whose score is ±∞ (constant targets
/// predicted imperfectly) scores 0, as in Keras; 0/0 stays NaN. `numRegressors > 0` gives the
/// adjusted score `1 - (1 - R²)(n - 1)/(n - p - 1)` with `n` the number of target elements
/// seen, falling back to R² when `p ≥ n - 1`, as Keras does.
///
/// - `yTrue`, `yPred`: `(batch, outputs)`, the same shape (a trailing axis of 1 on one side is
///   matched as Keras matches it); every batch has the first batch's number of outputs.
/// - `sampleWeight`: a scalar, one weight per sample, or per element.
///
/// No op per update: both tensors are read on the host. Equivalent to `keras.metrics.R2Score`.
public final class R2Score: Metric {
  /// How the columns' scores combine into one.
  public enum ClassAggregation: String, Sendable, CaseIterable {
    /// The mean of the columns' scores (Keras's default, `"uniform_average"`).
    case uniformAverage = "uniform_average"
    /// The columns' scores weighted by their targets' total sum of squares.
    case varianceWeightedAverage = "variance_weighted_average"
  }

  /// How the columns combine; nil: one score per column (Keras's `class_aggregation=None`),
  /// whose mean is the number training logs.
  public let classAggregation: ClassAggregation?
  /// The number of regressors `p` of the adjusted score (0: plain R²).
  public let numRegressors: Int

  private var sums: [Double] = []
  private var squaredSums: [Double] = []
  private var residuals: [Double] = []
  private var weights: [Double] = []
  private var samples: Double = 0

  /// Creates the metric; a negative `numRegressors` is an error.
  public init(
    classAggregation: ClassAggregation? = .uniformAverage, numRegressors: Int = 0,
    name: String = "r2_score"
  ) throws {
    guard numRegressors >= 0 else {
      throw PlexusError.invalidArgument(
        context: "R2Score", message: "num_regressors must be >= 0, received \(numRegressors)")
    }
    self.classAggregation = classAggregation
    self.numRegressors = numRegressors
    super.init(name: name)
  }

  /// `name`, `dtype`, `class_aggregation` (null without one) and `num_regressors`.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "class_aggregation": classAggregation.map { .string($0.rawValue) } ?? .null,
      "num_regressors": .int(numRegressors),
    ]) { $1 }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    let (truth, predicted, shape) = try matchedValues(yTrue, yPred)
    guard shape.rank == 2 else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "labels and predictions of shape (batch, outputs)",
        received: "labels of shape \(yTrue.shape), predictions of shape \(yPred.shape)")
    }
    let columns = shape[1]
    guard sums.isEmpty || sums.count == columns else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "\(sums.count) outputs, as in the first batch",
        received: "predictions of shape \(yPred.shape)")
    }
    var elementWeights = [Double](repeating: 1, count: truth.count)
    if let sampleWeight {
      // One weight per sample spans its row, as Keras's expand_dims of a rank-1 weight.
      let weightShape =
        sampleWeight.rank == 1 ? Shape(sampleWeight.shape.dims + [1]) : sampleWeight.shape
      elementWeights = try broadcastWeights(sampleWeight, from: weightShape, to: shape)
    }
    if sums.isEmpty {
      (sums, squaredSums, residuals, weights) = (
        Array(repeating: 0, count: columns), Array(repeating: 0, count: columns),
        Array(repeating: 0, count: columns), Array(repeating: 0, count: columns)
      )
    }
    for (index, (actual, guess)) in zip(truth, predicted).enumerated() {
      let (column, weight) = (index % Swift.max(columns, 1), elementWeights[index])
      sums[column] += actual * weight
      squaredSums[column] += actual * actual * weight
      residuals[column] += (actual - guess) * (actual - guess) * weight
      weights[column] += weight
    }
    samples += Double(truth.count)
  }

  /// The aggregated score (the mean of the columns' without an aggregation; 0 before any
  /// update).
  public override func result() -> Double {
    let values = resultValues()
    guard classAggregation == nil else { return values.first ?? 0 }
    return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
  }

  /// Keras's `result()`: one score, or one per column without an aggregation.
  public override func resultValues() -> [Double] {
    guard !sums.isEmpty else { return [0] }
    let totals = sums.indices.map { squaredSums[$0] - sums[$0] * (sums[$0] / weights[$0]) }
    let raw = sums.indices.map { column -> Double in
      let score = 1 - residuals[column] / totals[column]
      return score.isInfinite ? 0 : score
    }
    var scores: [Double]
    switch classAggregation {
    case .uniformAverage: scores = [raw.reduce(0, +) / Double(raw.count)]
    case .varianceWeightedAverage:
      scores = [zip(totals, raw).reduce(0) { $0 + $1.0 * $1.1 } / totals.reduce(0, +)]
    case nil: scores = raw
    }
    let (n, p) = (samples, Double(numRegressors))
    if numRegressors != 0, p < n - 1 {
      scores = scores.map { 1 - (1 - $0) * (n - 1) / (n - p - 1) }
    }
    return scores
  }

  /// Forgets every update, the number of outputs included.
  public override func reset() {
    super.reset()
    (sums, squaredSums, residuals, weights, samples) = ([], [], [], [], 0)
  }

  /// The output count, then the per-column sums, squared sums, residuals and weights, and the
  /// element count (empty before any update).
  public override var summableState: [Double] {
    guard !sums.isEmpty else { return [] }
    return [Double(sums.count)] + sums + squaredSums + residuals + weights + [samples]
  }

  /// Replaces the state with the sum of `states`.
  public override func loadSummedStates(_ states: [[Double]]) throws {
    reset()
    guard
      let sum = try Self.sumStates(states, header: 1, context: "R2Score '\(name)'"),
      let first = sum.first, first >= 1, first == first.rounded(),
      sum.count == 4 * Int(first) + 2
    else { return }
    let columns = Int(first)
    func block(_ index: Int) -> [Double] {
      Array(sum[(1 + index * columns)..<(1 + (index + 1) * columns)])
    }
    (sums, squaredSums, residuals, weights) = (block(0), block(1), block(2), block(3))
    samples = sum[sum.count - 1]
  }
}

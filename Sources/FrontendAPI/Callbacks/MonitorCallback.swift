/// The comparison shared by the callbacks that watch a metric (`EarlyStopping`,
/// `ModelCheckpoint`, `ReduceLROnPlateau`), as Keras's `MonitorCallback`: the direction is
/// fixed at the first epoch end, from `mode` or, in auto mode, from the metric.
struct MonitorCallback {
  typealias Mode = EarlyStopping.Mode

  let monitor: String
  let mode: Mode
  /// The best value so far (Keras's `best`; starts at the baseline or threshold).
  var best: Double?
  private let minDelta: Double
  private var greaterIsBetter: Bool?

  init(monitor: String, mode: Mode, baseline: Double?, minDelta: Double) {
    self.monitor = monitor
    self.mode = mode
    self.best = baseline
    self.minDelta = Swift.abs(minDelta)
  }

  var isResolved: Bool { greaterIsBetter != nil }

  /// Fixes the direction. In auto mode `loss` (and `val_loss`) is minimized and a compiled
  /// metric goes the way Keras's `_direction` says; anything else is Keras's `ValueError`.
  mutating func resolve(model: Model?, callback: String) throws {
    guard greaterIsBetter == nil else { return }
    switch mode {
    case .min: greaterIsBetter = false
    case .max: greaterIsBetter = true
    case .auto:
      let metricName = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
      if metricName == "loss" || metricName.hasSuffix("_loss") {
        greaterIsBetter = false
        return
      }
      // By the name it logs under: an output's prefix, or `_1` after a repeated name.
      let named = model?.compiled?.namedMetrics ?? []
      if let metric = named.first(where: { $0.name == metricName })?.metric,
        let up = Self.direction(of: metric)
      {
        greaterIsBetter = up
        return
      }
      throw PlexusError.invalidArgument(
        context: callback,
        message: "received monitor=\(monitor), but cannot determine whether that metric should "
          + "be maximized or minimized; pass mode: .max to monitor the highest value, or "
          + "mode: .min for the lowest")
    }
  }

  /// Keras's `_direction` of a metric: true for "up", false for "down", nil when it has none.
  private static func direction(of metric: Metric) -> Bool? {
    switch metric {
    case is Accuracy, is BinaryAccuracy, is CategoricalAccuracy, is SparseCategoricalAccuracy,
      is TopKCategoricalAccuracy, is SparseTopKCategoricalAccuracy, is AUC, is Precision,
      is Recall, is FBetaScore, is R2Score, is SensitivitySpecificityBase, is IoU,
      is Metrics.CosineSimilarity, is PearsonCorrelation, is ConcordanceCorrelation:
      return true
    case is Metrics.MeanAbsoluteError, is RootMeanSquaredError, is LossMetric:
      // A loss averaged as a metric goes down, as Keras's MeanMetricWrapper of a loss.
      return false
    default:
      let name = metric.name
      if ["error", "crossentropy", "loss", "mse", "mae"].contains(where: name.contains) {
        return false
      }
      return nil
    }
  }

  /// Keras's `_is_improvement`: anything beats no reference; otherwise the value must beat the
  /// reference by more than `minDelta`.
  func isImprovement(_ value: Double, over reference: Double?) -> Bool {
    guard let reference else { return true }
    return greaterIsBetter == true ? value - minDelta > reference : value + minDelta < reference
  }
}

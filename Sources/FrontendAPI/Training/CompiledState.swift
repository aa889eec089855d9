/// What `compile` fixed: the optimizer, the loss, and the metrics per output, with the running
/// mean of the loss that `fit` reports.
final class CompiledState {
  let optimizer: Optimizer
  /// The loss of each output.
  let losses: [Loss]
  /// The weight of each output's loss in the total (nil: 1 each).
  var lossWeights: [Double]?
  /// What `compile_config` writes under `loss`: one serialized loss, or a list of them.
  let lossConfig: ConfigValue
  /// `metrics[output]`: the metrics computed on that output.
  let metrics: [[Metric]]
  /// `weightedMetrics[output]`: the metrics computed on that output weighed by the batch's
  /// sample weights (Keras's `weighted_metrics`; `metrics` are never weighed).
  private(set) var weightedMetrics: [[Metric]] = []
  /// `weightedMetricNames[output][i]`: the log name of `weightedMetrics[output][i]`.
  private(set) var weightedMetricNames: [[String]] = []
  /// Whether each output was given metrics of its own (else every output has the same ones).
  let metricsPerOutput: Bool
  /// Log-key prefixes per output (`""` for a single-output model).
  let prefixes: [String]
  let lossTracker = Mean(name: "loss")
  /// The sample weights of the batch being run (Keras's `sample_weight`), set by `fit` and
  /// `evaluate` around each step and read by `computeLoss`, so a custom `trainStep` that calls
  /// `computeLoss` weights its loss too.
  var batchSampleWeight: Tensor?
  let outputLossTrackers: [Mean]
  /// Loss values computed during the step, read into their trackers only when the step's
  /// results are asked for, so that a step reads nothing back to the host before it ends.
  private var pendingLosses: [(tracker: Mean, value: Tensor, weight: Double)] = []

  init(
    optimizer: Optimizer, losses: [Loss], lossWeights: [Double]?, metrics: [[Metric]],
    metricsPerOutput: Bool = false, prefixes: [String], lossConfig: ConfigValue,
    modelName: String
  ) {
    self.metricsPerOutput = metricsPerOutput
    self.optimizer = optimizer
    self.losses = losses
    self.lossWeights = lossWeights
    self.lossConfig = lossConfig
    self.metrics = metrics
    self.prefixes = prefixes
    self.outputLossTrackers = prefixes.map { Mean(name: $0 + "loss") }
    var taken: Set<String> = ["loss"]
    if prefixes.count > 1 { taken.formUnion(outputLossTrackers.map(\.name)) }
    self.metricNames = metrics.enumerated().map { index, outputMetrics in
      outputMetrics.map { metric in
        Self.claim((prefixes.count > 1 ? prefixes[index] : "") + metric.name, in: &taken)
      }
    }
    self.takenNames = taken
    self.trainFunction = StepFunction(name: "\(modelName) train step")
    self.testFunction = StepFunction(name: "\(modelName) test step")
  }

  /// The log names of the loss trackers and the unweighted metrics.
  private let takenNames: Set<String>

  /// Sets the weighted metrics, one list per output, and names them as Keras's
  /// `CompileMetrics.result` does: the metric's name after the output's prefix; when an
  /// unweighted metric (or an earlier weighted one) logs under it, `weighted_` before the
  /// metric's name, then `_1`, `_2`, ... while that is taken too.
  func setWeightedMetrics(_ metrics: [[Metric]]) {
    var taken = takenNames
    weightedMetrics = metrics
    weightedMetricNames = metrics.enumerated().map { index, outputMetrics in
      let prefix = prefixes.count > 1 && index < prefixes.count ? prefixes[index] : ""
      return outputMetrics.map { metric in
        let own = prefix + metric.name
        return Self.claim(
          taken.contains(own) ? prefix + "weighted_" + metric.name : own, in: &taken)
      }
    }
  }

  /// `base`, or `base_1`, `base_2`, ... the first that `taken` lacks, which is then taken.
  private static func claim(_ base: String, in taken: inout Set<String>) -> String {
    var name = base
    var suffix = 1
    while taken.contains(name) {
      name = "\(base)_\(suffix)"
      suffix += 1
    }
    taken.insert(name)
    return name
  }

  /// Every compiled metric with its log name: the unweighted ones, then the weighted ones.
  var namedMetrics: [(metric: Metric, name: String)] {
    Array(zip(metrics.joined(), metricNames.joined()))
      + Array(zip(weightedMetrics.joined(), weightedMetricNames.joined()))
  }

  /// The compiled train and test steps (made again by every `compile`).
  let trainFunction: StepFunction
  let testFunction: StepFunction

  /// The first output's loss.
  var loss: Loss { losses[0] }

  /// `metricNames[output][i]`: the log name of `metrics[output][i]`: its name after the
  /// output's prefix, with `_1`, `_2`, ... when an earlier metric has that name, as Keras names
  /// two `AUC()`s `auc` and `auc_1`.
  let metricNames: [[String]]

  /// The log names in the order of Keras's `evaluate` list: the loss, then with one output its
  /// metrics in compile order; with several, each output's loss in output order, then the
  /// metrics sorted by name (Keras finds no compiled metric of an output's prefixed name, so it
  /// lists them after, sorted: `a_mae`, `a_mape`, `z_mae` whatever the output order).
  ///
  /// Weighted metrics follow as Keras lists them: with one output, those logged under their
  /// own name in compile order, then the renamed ones (`weighted_mae`) sorted; with several,
  /// among the sorted metrics. (Keras's list also repeats an unweighted metric's value where a
  /// weighted one shares its name; this one names each log once.)
  var logNames: [String] {
    let weighted = Array(zip(weightedMetrics.joined(), weightedMetricNames.joined()))
    guard prefixes.count > 1 else {
      let own = weighted.filter { $0.0.name == $0.1 }.map(\.1)
      let renamed = weighted.filter { $0.0.name != $0.1 }.map(\.1).sorted()
      return ["loss"] + Array(metricNames.joined()) + own + renamed
    }
    return ["loss"] + outputLossTrackers.map(\.name)
      + (metricNames.joined() + weighted.map(\.1)).sorted()
  }

  /// The loss trackers, then every output's metrics, then the weighted ones.
  var allMetrics: [Metric] {
    [lossTracker] + outputLossTrackers + Array(metrics.joined()) + Array(weightedMetrics.joined())
  }

  func resetMetrics() {
    pendingLosses = []
    for metric in allMetrics { metric.reset() }
  }

  /// Adds a loss value to `tracker` once the step's results are read.
  func track(_ value: Tensor, weight: Double, in tracker: Mean) {
    pendingLosses.append((tracker, value, weight))
  }

  /// Takes the losses the step left pending: a compiled step returns them as results.
  func takePending() -> [(tracker: Mean, value: Tensor, weight: Double)] {
    defer { pendingLosses = [] }
    return pendingLosses
  }

  /// Puts back losses taken by ``takePending()``, with their values from the step's results.
  func restorePending(_ entries: [(tracker: Mean, value: Tensor, weight: Double)]) {
    pendingLosses.append(contentsOf: entries)
  }

  /// The current values, keyed as Keras logs them; reads the losses the step left pending.
  func results() throws -> [String: Double] {
    let pending = pendingLosses
    pendingLosses = []
    for entry in pending {
      entry.tracker.update(value: try entry.value.item(), weight: entry.weight)
    }
    var logs = ["loss": lossTracker.result()]
    for tracker in outputLossTrackers where prefixes.count > 1 {
      logs[tracker.name] = tracker.result()
    }
    for (metric, name) in namedMetrics { logs[name] = metric.result() }
    return logs
  }
}

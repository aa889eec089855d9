/// What `compile` fixed: the optimizer, the loss, and the metrics per output, with the running
/// mean of the loss that `fit` reports.
final class CompiledState {
  let optimizer: Optimizer
  let loss: Loss
  /// `metrics[output]`: the metrics computed on that output.
  let metrics: [[Metric]]
  /// Log-key prefixes per output (empty for a single-output model).
  let prefixes: [String]
  var lossTracker = RunningMean()
  var outputLossTrackers: [RunningMean]

  init(optimizer: Optimizer, loss: Loss, metrics: [[Metric]], prefixes: [String]) {
    self.optimizer = optimizer
    self.loss = loss
    self.metrics = metrics
    self.prefixes = prefixes
    self.outputLossTrackers = Array(repeating: RunningMean(), count: prefixes.count)
  }

  func resetMetrics() {
    lossTracker = RunningMean()
    outputLossTrackers = Array(repeating: RunningMean(), count: prefixes.count)
    for metric in metrics.joined() { metric.reset() }
  }

  /// The current values, keyed as Keras logs them.
  func results() -> [String: Double] {
    var logs = ["loss": lossTracker.value]
    for (index, prefix) in prefixes.enumerated() where prefixes.count > 1 {
      logs[prefix + "loss"] = outputLossTrackers[index].value
    }
    for (index, outputMetrics) in metrics.enumerated() {
      let prefix = prefixes.count > 1 ? prefixes[index] : ""
      for metric in outputMetrics { logs[prefix + metric.name] = metric.result() }
    }
    return logs
  }
}

/// A weighted running mean kept on the host.
struct RunningMean {
  private var total = 0.0
  private var weight = 0.0

  mutating func add(_ value: Double, weight: Double = 1) {
    total += value * weight
    self.weight += weight
  }

  var value: Double { weight > 0 ? total / weight : 0 }
}

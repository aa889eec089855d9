/// What `compile` fixed: the optimizer, the loss, and the metrics per output, with the running
/// mean of the loss that `fit` reports.
final class CompiledState {
  let optimizer: Optimizer
  let loss: Loss
  /// `metrics[output]`: the metrics computed on that output.
  let metrics: [[Metric]]
  /// Log-key prefixes per output (`""` for a single-output model).
  let prefixes: [String]
  let lossTracker = Mean(name: "loss")
  let outputLossTrackers: [Mean]

  init(optimizer: Optimizer, loss: Loss, metrics: [[Metric]], prefixes: [String]) {
    self.optimizer = optimizer
    self.loss = loss
    self.metrics = metrics
    self.prefixes = prefixes
    self.outputLossTrackers = prefixes.map { Mean(name: $0 + "loss") }
  }

  func resetMetrics() {
    for metric in [lossTracker] + outputLossTrackers + metrics.joined() { metric.reset() }
  }

  /// The current values, keyed as Keras logs them.
  func results() -> [String: Double] {
    var logs = ["loss": lossTracker.result()]
    for tracker in outputLossTrackers where prefixes.count > 1 {
      logs[tracker.name] = tracker.result()
    }
    for (index, outputMetrics) in metrics.enumerated() {
      let prefix = prefixes.count > 1 ? prefixes[index] : ""
      for metric in outputMetrics { logs[prefix + metric.name] = metric.result() }
    }
    return logs
  }
}

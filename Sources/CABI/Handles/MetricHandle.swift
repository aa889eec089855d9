import Plexus

/// What a `px_metric` handle holds: a metric, and the lock that runs its calls one at a time
/// (a metric's state changes with every batch).
final class MetricHandle: @unchecked Sendable {
  // `metric` is reached only while holding `lock` (see ``withMetric(_:in:_:)``).
  private let metric: Metric
  private let lock = RecursiveLock()

  init(_ metric: Metric) {
    self.metric = metric
  }

  /// Runs `body` on the metric of a live `px_metric` handle, holding its lock.
  static func withMetric<Result>(
    _ handle: OpaquePointer?, in function: String, _ body: (Metric) throws -> Result
  ) throws -> Result {
    let object = try HandleTable.shared.object(
      handle, kind: .metric, argument: "metric", function: function)
    guard let box = object as? MetricHandle else {
      throw invalidArgument(function, "metric is not a px_metric handle")
    }
    return try box.lock.withLock { try body(box.metric) }
  }
}

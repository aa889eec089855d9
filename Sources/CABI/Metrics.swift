import BackendProtocol
import CPlexusSupport
import Plexus

/// `px_metric_create`: a metric from a Keras name or a serialized metric's JSON.
@c(px_metric_create)
public func pxMetricCreate(
  _ metric: UnsafePointer<CChar>?, _ outMetric: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_metric_create"
  return guarded(function) {
    let out = try required(outMetric, "out_metric", in: function)
    let value = try nameOrJSON(metric, "metric", in: function)
    let made = try Metric.fromConfig(value)  // a name, or a serialized metric
    out.pointee = HandleTable.shared.insert(MetricHandle(made), kind: .metric)
  }
}

/// `px_metric_update`: adds a batch of labels, predictions and optional weights.
@c(px_metric_update)
public func pxMetricUpdate(
  _ metric: OpaquePointer?, _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
  _ sampleWeight: OpaquePointer?
) -> px_status {
  let function = "px_metric_update"
  return guarded(function) {
    let labels = try TensorHandle.tensor(yTrue, "y_true", in: function)
    let predictions = try TensorHandle.tensor(yPred, "y_pred", in: function)
    let weights = try optionalTensor(sampleWeight, "sample_weight", in: function)
    try MetricHandle.withMetric(metric, in: function) { metric in
      try metric.update(labels, predictions, sampleWeight: weights)
    }
  }
}

/// `px_metric_result`: the metric's value, the number it logs in training.
@c(px_metric_result)
public func pxMetricResult(_ metric: OpaquePointer?, _ outValue: UnsafeMutablePointer<Double>?)
  -> px_status
{
  let function = "px_metric_result"
  return guarded(function) {
    let out = try required(outValue, "out_value", in: function)
    out.pointee = try MetricHandle.withMetric(metric, in: function) { $0.result() }
  }
}

/// `px_metric_results`: every number of the metric's Keras result.
@c(px_metric_results)
public func pxMetricResults(
  _ metric: OpaquePointer?, _ values: UnsafeMutablePointer<Double>?, _ capacity: Int,
  _ outCount: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_metric_results"
  return guarded(function) {
    let out = try required(outCount, "out_count", in: function)
    let list = try MetricHandle.withMetric(metric, in: function) { $0.resultValues() }
    try writeValues(list, values, capacity, out, what: "numbers of the result", in: function)
  }
}

/// `px_metric_reset`: forgets every batch.
@c(px_metric_reset)
public func pxMetricReset(_ metric: OpaquePointer?) -> px_status {
  let function = "px_metric_reset"
  return guarded(function) {
    try MetricHandle.withMetric(metric, in: function) { $0.reset() }
  }
}

/// `px_metric_release`: drops the caller's reference to a metric.
@c(px_metric_release)
public func pxMetricRelease(_ metric: OpaquePointer?) {
  HandleTable.shared.release(metric, kind: .metric)
}

/// `px_loss_call`: a loss applied to labels, predictions and optional weights, reduced as the
/// loss says.
@c(px_loss_call)
public func pxLossCall(
  _ loss: UnsafePointer<CChar>?, _ yTrue: OpaquePointer?, _ yPred: OpaquePointer?,
  _ sampleWeight: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_loss_call"
  return guarded(function) {
    let destination = try required(out, "out", in: function)
    let made = try Loss.fromConfig(try nameOrJSON(loss, "loss", in: function))
    let labels = try TensorHandle.tensor(yTrue, "y_true", in: function)
    let predictions = try TensorHandle.tensor(yPred, "y_pred", in: function)
    let weights = try optionalTensor(sampleWeight, "sample_weight", in: function)
    let value = try made(labels, predictions, sampleWeight: weights)
    destination.pointee = TensorHandle.make(value)
  }
}

import CPlexusSupport
import Plexus

// Keras's sample_weight and class_weight: px_fit_options' weight fields (ABI 0.8),
// px_model_evaluate_weighted and px_model_train_on_batch_weighted.

/// The tensor of an optional handle: nil for NULL.
func optionalTensor(
  _ handle: OpaquePointer?, _ argument: String, in function: String
) throws -> Tensor? {
  guard let handle else { return nil }
  return try TensorHandle.tensor(handle, argument, in: function)
}

/// Keras's `class_weight` from `count` class ids and their weights: nil when `count` is 0. The
/// ids must be distinct (a dict's keys); their range and the weights are checked by `fit`.
func classWeights(
  _ classes: UnsafePointer<Int64>?, _ values: UnsafePointer<Double>?, count: Int,
  _ names: (classes: String, values: String, count: String), in function: String
) throws -> [Int: Double]? {
  let count = try validatedCount(count, argument: names.count, in: function)
  guard count > 0 else { return nil }
  guard let classes, let values else {
    throw invalidArgument(
      function,
      "\(classes == nil ? names.classes : names.values) is NULL but \(names.count) is \(count)")
  }
  var weights: [Int: Double] = [:]
  for index in 0..<count {
    let label = Int(classes[index])
    guard weights.updateValue(values[index], forKey: label) == nil else {
      throw invalidArgument(function, "\(names.classes) lists class \(label) twice")
    }
  }
  return weights
}

/// `px_model_evaluate_weighted`: `px_model_evaluate` with one weight per sample.
@c(px_model_evaluate_weighted)
public func pxModelEvaluateWeighted(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int, _ sampleWeight: OpaquePointer?,
  _ batchSizeValue: Int64, _ progress: px_progress_fn?, _ user: UnsafeMutableRawPointer?,
  _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  evaluateCall(
    "px_model_evaluate_weighted", model, x, xCount, y, yCount, sampleWeight: sampleWeight,
    batchSizeValue, progress, user, outLogs)
}

/// `px_model_train_on_batch_weighted`: `px_model_train_on_batch` with sample or class weights.
@c(px_model_train_on_batch_weighted)
public func pxModelTrainOnBatchWeighted(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int, _ sampleWeight: OpaquePointer?,
  _ classes: UnsafePointer<Int64>?, _ classValues: UnsafePointer<Double>?, _ classCount: Int,
  _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  trainOnBatchCall(
    "px_model_train_on_batch_weighted", model, x, xCount, y, yCount, sampleWeight: sampleWeight,
    classes: (classes, classValues, classCount), outLogs)
}

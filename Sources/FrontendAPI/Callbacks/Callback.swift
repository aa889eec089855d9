/// Hooks into `fit`, `evaluate` and `predict`, named as Keras names them.
///
/// Every hook has a default that does nothing; implement the ones you need. `logs` holds the
/// running metric values (`"loss"`, `"accuracy"`, and `"val_"`-prefixed ones at epoch end).
///
/// ```swift
/// final class PrintLoss: Callback {
///   weak var model: Model?
///   func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
///     print(epoch, logs["loss"] ?? .nan)
///   }
/// }
/// ```
/// Equivalent to `keras.callbacks.Callback`.
public protocol Callback: AnyObject {
  /// The model being trained; `fit` sets it. Declare it `weak`.
  var model: Model? { get set }

  /// Whether, under ``DataParallel``, only process 0 runs this callback (it writes files or
  /// prints); false by default: every process runs it, on the logs of the whole batch.
  var runsOnChiefOnly: Bool { get }

  /// Receives the call's parameters before its first hook, as Keras's `set_params`:
  /// `"epochs"` (1 for `evaluate` and `predict`), `"steps"` (batches per epoch) and `"verbose"`.
  func setParams(_ params: [String: Int])

  func onTrainBegin(logs: [String: Double]) throws
  func onTrainEnd(logs: [String: Double]) throws
  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws
  func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws
  /// The epoch-end hook that may add entries to `logs` for the callbacks after it (Keras's
  /// callbacks share one logs dict: `ReduceLROnPlateau` adds `"learning_rate"`, which `History`
  /// then records). `fit` calls this one; its default calls the other
  /// `onEpochEnd`.
  func onEpochEnd(_ epoch: Int, logs: inout [String: Double]) throws
  func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws
  func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws
  func onTestBegin(logs: [String: Double]) throws
  func onTestEnd(logs: [String: Double]) throws
  func onTestBatchBegin(_ batch: Int, logs: [String: Double]) throws
  func onTestBatchEnd(_ batch: Int, logs: [String: Double]) throws
  func onPredictBegin(logs: [String: Double]) throws
  func onPredictEnd(logs: [String: Double]) throws
  func onPredictBatchBegin(_ batch: Int, logs: [String: Double]) throws
  func onPredictBatchEnd(_ batch: Int, logs: [String: Double]) throws
}

extension Callback {
  public func setParams(_ params: [String: Int]) {}
  public var runsOnChiefOnly: Bool { false }
  public func onTrainBegin(logs: [String: Double]) throws {}
  public func onTrainEnd(logs: [String: Double]) throws {}
  public func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {}
  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {}
  public func onEpochEnd(_ epoch: Int, logs: inout [String: Double]) throws {
    try onEpochEnd(epoch, logs: logs)
  }
  public func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws {}
  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {}
  public func onTestBegin(logs: [String: Double]) throws {}
  public func onTestEnd(logs: [String: Double]) throws {}
  public func onTestBatchBegin(_ batch: Int, logs: [String: Double]) throws {}
  public func onTestBatchEnd(_ batch: Int, logs: [String: Double]) throws {}
  public func onPredictBegin(logs: [String: Double]) throws {}
  public func onPredictEnd(logs: [String: Double]) throws {}
  public func onPredictBatchBegin(_ batch: Int, logs: [String: Double]) throws {}
  public func onPredictBatchEnd(_ batch: Int, logs: [String: Double]) throws {}
}

import BackendProtocol
import CPlexusSupport
import Glibc
import Plexus

/// The callback behind a C progress function: turns each hook into a `px_progress_event`,
/// stops the call when the function returns non-zero, and carries `px_model_stop_training`
/// requests from any thread into the model on the training thread.
final class ProgressReporter: Callback {
  weak var model: Model?
  private let progress: px_progress_fn?
  private let user: UnsafeMutableRawPointer?
  private let handle: ModelHandle
  private var epochs = 0
  private var steps = 0
  private var epoch: Int64 = -1
  private let isFit: Bool
  private let eventMask: UInt32

  /// `eventMask` 0 reports every event, else only the kinds whose bit is set.
  init(
    _ progress: px_progress_fn?, user: UnsafeMutableRawPointer?, handle: ModelHandle, isFit: Bool,
    eventMask: UInt32 = 0
  ) {
    self.eventMask = eventMask
    self.progress = progress
    self.user = user
    self.handle = handle
    self.isFit = isFit
  }

  func setParams(_ params: [String: Int]) {
    epochs = isFit ? params["epochs"] ?? 0 : 0
    steps = params["steps"] ?? 0
  }

  /// Reports one event; throws ``CancelledByCallback`` when the function asks to stop.
  private func report(_ kind: Int32, step: Int?, logs: [String: Double], _ label: String) throws {
    if handle.stopRequested.withLock({ $0 }) { model?.stopTraining = true }
    guard let progress, eventMask == 0 || eventMask & (1 << UInt32(kind)) != 0 else { return }
    let names = LogsHandle.ordered(logs.keys)
    let values = names.map { logs[$0] ?? .nan }
    let copies = names.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { namePointers in
      values.withUnsafeBufferPointer { valuePointers in
        var event = px_progress_event(
          struct_size: UInt32(MemoryLayout<px_progress_event>.size), kind: kind, epoch: epoch,
          epochs: Int64(epochs), step: Int64(step ?? -1), steps: Int64(steps),
          log_count: names.count, log_names: namePointers.baseAddress,
          log_values: valuePointers.baseAddress)
        _ = px_support_callback_depth(1)
        defer { _ = px_support_callback_depth(-1) }
        return progress(&event, user)
      }
    }
    if result != 0 { throw CancelledByCallback(event: label) }
    // The callback may have asked, through px_model_stop_training: stop after this event.
    if handle.stopRequested.withLock({ $0 }) { model?.stopTraining = true }
  }

  func onTrainBegin(logs: [String: Double]) throws {
    try report(PX_EVENT_TRAIN_BEGIN, step: nil, logs: logs, "train begin")
  }
  func onTrainEnd(logs: [String: Double]) throws {
    epoch = -1
    try report(PX_EVENT_TRAIN_END, step: nil, logs: logs, "train end")
  }
  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    self.epoch = Int64(epoch)
    try report(PX_EVENT_EPOCH_BEGIN, step: nil, logs: logs, "epoch \(epoch) begin")
  }
  func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    try report(PX_EVENT_EPOCH_END, step: nil, logs: logs, "epoch \(epoch) end")
  }
  func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    try report(PX_EVENT_TRAIN_BATCH_BEGIN, step: batch, logs: logs, "batch \(batch) begin")
  }
  func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    try report(PX_EVENT_TRAIN_BATCH_END, step: batch, logs: logs, "batch \(batch) end")
  }
  func onTestBegin(logs: [String: Double]) throws {
    try report(PX_EVENT_TEST_BEGIN, step: nil, logs: logs, "test begin")
  }
  func onTestEnd(logs: [String: Double]) throws {
    try report(PX_EVENT_TEST_END, step: nil, logs: logs, "test end")
  }
  func onTestBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    try report(PX_EVENT_TEST_BATCH_BEGIN, step: batch, logs: logs, "test batch \(batch) begin")
  }
  func onTestBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    try report(PX_EVENT_TEST_BATCH_END, step: batch, logs: logs, "test batch \(batch) end")
  }
  func onPredictBegin(logs: [String: Double]) throws {
    try report(PX_EVENT_PREDICT_BEGIN, step: nil, logs: logs, "predict begin")
  }
  func onPredictEnd(logs: [String: Double]) throws {
    try report(PX_EVENT_PREDICT_END, step: nil, logs: logs, "predict end")
  }
  func onPredictBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    try report(
      PX_EVENT_PREDICT_BATCH_BEGIN, step: batch, logs: logs, "predict batch \(batch) begin")
  }
  func onPredictBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    try report(PX_EVENT_PREDICT_BATCH_END, step: batch, logs: logs, "predict batch \(batch) end")
  }
}

import CPlexusSupport
import Plexus
import Synchronization

// fit, evaluate and predict over a dataset a caller makes batch by batch (Keras's PyDataset).

/// A `px_dataset` as a ``Dataset``: each batch the caller's function writes as tensor handles,
/// which this releases once read. The first failure (a function returning non-zero, or handles
/// that are not tensors) is kept, so the call can report it as the caller's.
final class CallerDataset: Dataset, @unchecked Sendable {
  // Set once in init; `failure` is guarded by its mutex (the producer thread writes it).
  private let description: px_dataset
  private let inputCount: Int
  private let targetCount: Int
  private let function: String
  private let firstFailure = Mutex<String?>(nil)

  let count: Int
  let prefetch: Int

  /// Reads `pointer` by the struct-size rule; `argument` names it in errors.
  init(
    _ pointer: UnsafePointer<px_dataset>?, _ argument: String, inputs: Int, targets: Int,
    in function: String
  ) throws {
    guard let given = pointer else {
      throw invalidArgument(function, "\(argument) is NULL")
    }
    let description = try sizedStruct(
      given, argument, "px_dataset", defaults: px_dataset(), in: function)
    guard description.batch != nil else {
      throw invalidArgument(function, "\(argument)->batch is NULL; a dataset makes its batches")
    }
    guard description.batch_count >= 1, description.batch_count <= Int64(Int32.max) else {
      throw invalidArgument(
        function, "\(argument)->batch_count is \(description.batch_count); expected 1 or more")
    }
    guard description.prefetch >= -1 else {
      throw invalidArgument(
        function,
        "\(argument)->prefetch is \(description.prefetch); expected -1 (none), 0 (default) or "
          + "a positive depth")
    }
    self.description = description
    self.inputCount = inputs
    self.targetCount = targets
    self.function = function
    count = Int(description.batch_count)
    prefetch = description.prefetch == 0 ? 2 : Swift.max(0, Int(description.prefetch))
  }

  /// What the caller's functions reported first, if any failed.
  var failure: String? { firstFailure.withLock { $0 } }

  private func fail(_ message: String) -> DatasetFunctionFailed {
    firstFailure.withLock { if $0 == nil { $0 = message } }
    return DatasetFunctionFailed(message: message)
  }

  func batch(at index: Int) throws -> (inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?) {
    var inputs = [OpaquePointer?](repeating: nil, count: inputCount)
    var targets = [OpaquePointer?](repeating: nil, count: Swift.max(targetCount, 1))
    var weight: OpaquePointer?
    let result = inputs.withUnsafeMutableBufferPointer { inputs in
      targets.withUnsafeMutableBufferPointer { targets in
        description.batch?(
          Int64(index), inputs.baseAddress, inputCount, targets.baseAddress, targetCount, &weight,
          description.user) ?? 1
      }
    }
    // Every handle written is the library's now, read or not.
    defer {
      for handle in inputs + targets + [weight] {
        HandleTable.shared.release(handle, kind: .tensor)
      }
    }
    guard result == 0 else {
      throw fail("the dataset's batch function returned \(result) for batch \(index)")
    }
    do {
      let x = try (0..<inputCount).map {
        try TensorHandle.tensor(inputs[$0], "inputs[\($0)] of batch \(index)", in: function)
      }
      let y = try (0..<targetCount).map {
        try TensorHandle.tensor(targets[$0], "targets[\($0)] of batch \(index)", in: function)
      }
      let sampleWeight = try weight.map {
        try TensorHandle.tensor($0, "sample_weight of batch \(index)", in: function)
      }
      return (x, y, sampleWeight)
    } catch {
      throw fail("\(error)")
    }
  }

  func onEpochBegin() throws { try epoch(begin: true) }

  func onEpochEnd() throws { try epoch(begin: false) }

  private func epoch(begin: Bool) throws {
    guard let function = description.epoch else { return }
    let result = function(begin ? 1 : 0, description.user)
    guard result == 0 else {
      throw fail(
        "the dataset's epoch function returned \(result) at the epoch's \(begin ? "begin" : "end")")
    }
  }

  /// Runs `body`; an error after one of the caller's functions failed is reported as that
  /// failure (`PX_STATUS_CANCELLED`), with what the library made of it.
  static func reportingCallerFailures<Result>(
    _ datasets: [CallerDataset], _ body: () throws -> Result
  ) throws -> Result {
    do {
      return try body()
    } catch {
      if let failed = datasets.lazy.compactMap(\.failure).first {
        throw DatasetFunctionFailed(message: "\(failed) (\(error))")
      }
      throw error
    }
  }
}

/// `px_model_fit_dataset`: trains the model on a dataset's batches.
@c(px_model_fit_dataset)
public func pxModelFitDataset(
  _ model: OpaquePointer?, _ dataset: UnsafePointer<px_dataset>?,
  _ optionsPointer: UnsafePointer<px_fit_options>?, _ validation: UnsafePointer<px_dataset>?,
  _ progress: px_progress_fn?, _ user: UnsafeMutableRawPointer?,
  _ outHistory: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_fit_dataset"
  return guarded(function) {
    let options = try fitOptions(optionsPointer, in: function)
    guard options.batch_size == 0, options.validation_split == 0, options.validation_x == nil,
      options.validation_x_count == 0, options.validation_y == nil,
      options.validation_y_count == 0, options.validation_batch_size == 0
    else {
      throw invalidArgument(
        function,
        "options->batch_size, validation_split, validation_batch_size and the validation arrays "
          + "must be zero: the dataset makes the batches (pass validation as a dataset)")
    }
    let (epochs, initialEpoch, verbose) = try epochSettings(options, in: function)
    let frequency = try validationFrequency(options, in: function)
    let history = try ModelHandle.withExclusiveCall(model, in: function) { model, handle in
      let training = try CallerDataset(
        dataset, "dataset", inputs: model.inputCount, targets: model.outputCount, in: function)
      let validating = try validation.map {
        try CallerDataset(
          $0, "validation", inputs: model.inputCount, targets: model.outputCount, in: function)
      }
      handle.stopRequested.withLock { $0 = false }
      let reporter = ProgressReporter(
        progress, user: user, handle: handle, isFit: true, eventMask: options.event_mask)
      return try CallerDataset.reportingCallerFailures([training] + (validating.map { [$0] } ?? []))
      {
        try model.fit(
          training, epochs: epochs, verbose: verbose, callbacks: [reporter],
          validationData: validating, initialEpoch: initialEpoch, validationFreq: frequency)
      }
    }
    if let outHistory {
      outHistory.pointee = HandleTable.shared.insert(
        LogsHandle(history: history.history), kind: .logs)
    }
  }
}

/// `px_model_evaluate_dataset`: the compiled loss and metrics over a dataset's batches.
@c(px_model_evaluate_dataset)
public func pxModelEvaluateDataset(
  _ model: OpaquePointer?, _ dataset: UnsafePointer<px_dataset>?, _ progress: px_progress_fn?,
  _ user: UnsafeMutableRawPointer?, _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_evaluate_dataset"
  return guarded(function) {
    let out = try required(outLogs, "out_logs", in: function)
    let (logs, order) = try ModelHandle.withExclusiveCall(
      model, in: function, inference: true
    ) { model, handle in
      let data = try CallerDataset(
        dataset, "dataset", inputs: model.inputCount, targets: model.outputCount, in: function)
      let reporter = ProgressReporter(progress, user: user, handle: handle, isFit: false)
      let logs = try CallerDataset.reportingCallerFailures([data]) {
        try model.evaluate(data, verbose: 0, callbacks: [reporter])
      }
      return (logs, model.metricsNames)
    }
    out.pointee = HandleTable.shared.insert(LogsHandle(single: logs, order: order), kind: .logs)
  }
}

/// `px_model_predict_dataset`: the outputs for a dataset's inputs, batch after batch.
@c(px_model_predict_dataset)
public func pxModelPredictDataset(
  _ model: OpaquePointer?, _ dataset: UnsafePointer<px_dataset>?, _ progress: px_progress_fn?,
  _ user: UnsafeMutableRawPointer?, _ outputs: UnsafeMutablePointer<OpaquePointer?>?,
  _ capacity: Int
) -> px_status {
  let function = "px_model_predict_dataset"
  return guarded(function) {
    let out = try required(outputs, "outputs", in: function)
    let tensors = try ModelHandle.withExclusiveCall(
      model, in: function, inference: true
    ) { model, handle in
      guard capacity >= model.outputCount else {
        throw invalidArgument(
          function, "capacity \(capacity) is less than the model's \(model.outputCount) outputs")
      }
      let data = try CallerDataset(
        dataset, "dataset", inputs: model.inputCount, targets: 0, in: function)
      let reporter = ProgressReporter(progress, user: user, handle: handle, isFit: false)
      return try CallerDataset.reportingCallerFailures([data]) {
        try model.predict(data, callbacks: [reporter])
      }
    }
    for (index, tensor) in tensors.enumerated() { out[index] = TensorHandle.make(tensor) }
  }
}

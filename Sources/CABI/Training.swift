import BackendProtocol
import CPlexusSupport
import Plexus

// compile, fit, evaluate, predict and train_on_batch (Keras's Model methods).

/// `px_model_compile`: optimizer, loss and metrics by Keras name or serialized JSON.
@c(px_model_compile)
public func pxModelCompile(
  _ model: OpaquePointer?, _ optimizer: UnsafePointer<CChar>?, _ loss: UnsafePointer<CChar>?,
  _ metrics: UnsafePointer<UnsafePointer<CChar>?>?, _ metricCount: Int
) -> px_status {
  let function = "px_model_compile"
  return guarded(function) {
    let optimizer = try Optimizer.fromConfig(nameOrJSON(optimizer, "optimizer", in: function))
    // One loss for every output, or a JSON array of one per output (Keras's `loss=[...]`).
    let lossValue = try nameOrJSON(loss, "loss", in: function)
    let losses = try (lossValue.arrayValue ?? [lossValue]).map { try Loss.fromConfig($0) }
    let count = try validatedCount(metricCount, argument: "metric_count", in: function)
    guard count == 0 || metrics != nil else {
      throw invalidArgument(function, "metrics is NULL but metric_count is \(count)")
    }
    let values = try (0..<count).map { index in
      try nameOrJSON(metrics?[index], "metrics[\(index)]", in: function)
    }
    try ModelHandle.withMutableModel(model, in: function) { model in
      // One entry may hold Keras's per-output metrics: a list of lists, or a dict by output.
      let perOutput =
        values.count == 1 ? try model.perOutputMetrics(values[0], context: function) : nil
      if let perOutput, model.outputCount > 1 {
        let all =
          losses.count == 1 ? Array(repeating: losses[0], count: model.outputCount) : losses
        try model.compile(optimizer: optimizer, loss: all, outputMetrics: perOutput)
        return
      }
      // With one output, its per-output metrics are the model's metrics.
      let chosen = try perOutput?.first ?? values.map(Model.metric)
      if lossValue.arrayValue == nil, let loss = losses.first {
        try model.compile(optimizer: optimizer, loss: loss, metrics: chosen)
      } else {
        try model.compile(optimizer: optimizer, loss: losses, metrics: chosen)
      }
    }
  }
}

/// `px_model_set_weighted_metrics`: Keras's `weighted_metrics`, after `px_model_compile`.
@c(px_model_set_weighted_metrics)
public func pxModelSetWeightedMetrics(
  _ model: OpaquePointer?, _ metrics: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int
) -> px_status {
  let function = "px_model_set_weighted_metrics"
  return guarded(function) {
    let count = try validatedCount(count, argument: "count", in: function)
    guard count == 0 || metrics != nil else {
      throw invalidArgument(function, "metrics is NULL but count is \(count)")
    }
    let values = try (0..<count).map { index in
      try Model.metric(nameOrJSON(metrics?[index], "metrics[\(index)]", in: function))
    }
    try ModelHandle.withMutableModel(model, in: function) { model in
      try model.setWeightedMetrics(values)
    }
  }
}

/// A caller's struct read by the struct-size rule (its first field, `uint32_t struct_size`):
/// the smaller of the two sizes is copied over `defaults`, so fields an older caller does not
/// know keep their zero defaults. `argument` and `typeName` name it in errors.
func sizedStruct<T>(
  _ pointer: UnsafePointer<T>, _ argument: String, _ typeName: String, defaults: T,
  in function: String
) throws -> T {
  let size = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
  guard size >= MemoryLayout<UInt32>.size else {
    throw invalidArgument(
      function, "\(argument)->struct_size is \(size); set it to sizeof(\(typeName))")
  }
  var value = defaults
  withUnsafeMutableBytes(of: &value) { target in
    target.copyMemory(
      from: UnsafeRawBufferPointer(start: pointer, count: Swift.min(size, MemoryLayout<T>.size)))
  }
  return value
}

/// The fit options a caller passed (the defaults for NULL), read by the struct-size rule.
func fitOptions(
  _ pointer: UnsafePointer<px_fit_options>?, in function: String
) throws -> px_fit_options {
  guard let pointer else { return px_fit_options() }
  return try sizedStruct(
    pointer, "options", "px_fit_options", defaults: px_fit_options(), in: function)
}

/// The epochs (0 for 1), the initial epoch (0 ... epochs) and the verbosity (0, 1 or 2) of fit
/// options, checked.
func epochSettings(_ options: px_fit_options, in function: String) throws
  -> (epochs: Int, initialEpoch: Int, verbose: Int)
{
  guard options.epochs >= 0, options.epochs <= Int64(Int32.max) else {
    throw invalidArgument(
      function, "options->epochs is \(options.epochs); expected 0 (for 1) or a positive count")
  }
  let epochs = options.epochs == 0 ? 1 : Int(options.epochs)
  guard options.initial_epoch >= 0, options.initial_epoch <= Int64(epochs) else {
    throw invalidArgument(
      function,
      "options->initial_epoch is \(options.initial_epoch); expected 0 ... epochs (\(epochs))")
  }
  guard (0...2).contains(options.verbose) else {
    throw invalidArgument(function, "options->verbose is \(options.verbose); expected 0, 1 or 2")
  }
  return (epochs, Int(options.initial_epoch), Int(options.verbose))
}

/// A validation batch size of fit options (ABI 0.10; 0, fit's batch size, is the caller's).
private func validationBatchSize(_ value: Int64, in function: String) throws -> Int {
  guard value > 0, value <= Int64(Int32.max) else {
    throw invalidArgument(
      function,
      "options->validation_batch_size is \(value); expected 0 (fit's batch size) or a positive "
        + "size")
  }
  return Int(value)
}

/// The epochs after which fit options ask to validate (ABI 0.10): every epoch by default.
func validationFrequency(_ options: px_fit_options, in function: String) throws
  -> ValidationFrequency
{
  let count = try validatedCount(
    options.validation_epoch_count, argument: "options->validation_epoch_count", in: function)
  guard count > 0 || options.validation_epochs != nil else {
    guard options.validation_freq >= 0, options.validation_freq <= Int64(Int32.max) else {
      throw invalidArgument(
        function,
        "options->validation_freq is \(options.validation_freq); expected 0 (every epoch) or a "
          + "positive count of epochs")
    }
    return .every(options.validation_freq == 0 ? 1 : Int(options.validation_freq))
  }
  guard let list = options.validation_epochs else {
    throw invalidArgument(
      function, "options->validation_epochs is NULL but validation_epoch_count is \(count)")
  }
  guard options.validation_freq == 0 else {
    throw invalidArgument(
      function, "options has both validation_freq and validation_epochs; give one of them")
  }
  // A list of no epochs (a pointer with a count of 0): validation never runs.
  let epochs = UnsafeBufferPointer(start: list, count: count)
  guard let bad = epochs.first(where: { $0 < 1 || $0 > Int64(Int32.max) }) else {
    return .epochs(Set(epochs.map { Int($0) }))
  }
  throw invalidArgument(
    function, "options->validation_epochs holds \(bad); expected epochs counted from 1")
}

/// A tri-state option (`PX_OPTION_*`).
private func option(_ value: Int32, _ name: String, default: Bool, in function: String) throws
  -> Bool
{
  switch value {
  case PX_OPTION_DEFAULT: `default`
  case PX_OPTION_ON: true
  case PX_OPTION_OFF: false
  default:
    throw invalidArgument(
      function, "options->\(name) is \(value); expected PX_OPTION_DEFAULT, _ON or _OFF")
  }
}

/// A batch size: 0 is Keras's 32.
func batchSize(_ value: Int64, _ name: String, in function: String) throws -> Int {
  guard value >= 0, value <= Int64(Int32.max) else {
    throw invalidArgument(function, "\(name) is \(value); expected 0 (for 32) or a positive size")
  }
  return value == 0 ? 32 : Int(value)
}

/// `px_model_fit`: trains the model, reporting progress.
@c(px_model_fit)
public func pxModelFit(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int,
  _ optionsPointer: UnsafePointer<px_fit_options>?,
  _ progress: px_progress_fn?, _ user: UnsafeMutableRawPointer?,
  _ outHistory: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_fit"
  return guarded(function) {
    let inputs = try TensorHandle.tensors(x, count: xCount, "x", in: function)
    let targets = try TensorHandle.tensors(y, count: yCount, "y", in: function)
    let options = try fitOptions(optionsPointer, in: function)
    let batch = try batchSize(options.batch_size, "options->batch_size", in: function)
    let (epochs, initialEpoch, verbose) = try epochSettings(options, in: function)
    let split = options.validation_split
    guard split.isFinite, split >= 0, split < 1 else {
      throw invalidArgument(
        function, "options->validation_split is \(split); expected a fraction in [0, 1)")
    }
    let shuffle = try option(options.shuffle, "shuffle", default: true, in: function)
    let validationX = try TensorHandle.tensors(
      options.validation_x, count: options.validation_x_count, "options->validation_x",
      in: function, allowEmpty: true)
    let validationY = try TensorHandle.tensors(
      options.validation_y, count: options.validation_y_count, "options->validation_y",
      in: function, allowEmpty: true)
    guard validationX.isEmpty == validationY.isEmpty else {
      throw invalidArgument(
        function, "options has validation_x without validation_y, or the other way round")
    }
    let sampleWeight = try optionalTensor(
      options.sample_weight, "options->sample_weight", in: function)
    let classWeight = try classWeights(
      options.class_weight_classes, options.class_weight_values,
      count: options.class_weight_count,
      (
        "options->class_weight_classes", "options->class_weight_values",
        "options->class_weight_count"
      ), in: function)
    let validationWeight = try optionalTensor(
      options.validation_sample_weight, "options->validation_sample_weight", in: function)
    let frequency = try validationFrequency(options, in: function)
    let validationBatch =
      options.validation_batch_size == 0
      ? nil
      : try validationBatchSize(options.validation_batch_size, in: function)
    let history = try ModelHandle.withExclusiveCall(model, in: function) { model, handle in
      handle.stopRequested.withLock { $0 = false }
      let reporter = ProgressReporter(
        progress, user: user, handle: handle, isFit: true, eventMask: options.event_mask)
      return try model.fit(
        inputs, targets, batchSize: batch, epochs: epochs, verbose: verbose,
        callbacks: [reporter], validationSplit: split,
        validationData: validationX.isEmpty ? nil : (validationX, validationY),
        validationSampleWeight: validationWeight, sampleWeight: sampleWeight,
        classWeight: classWeight, shuffle: shuffle, initialEpoch: initialEpoch,
        validationFreq: frequency, validationBatchSize: validationBatch)
    }
    if let outHistory {
      outHistory.pointee = HandleTable.shared.insert(
        LogsHandle(history: history.history), kind: .logs)
    }
  }
}

/// `px_model_stop_training`: ends a running fit after the current batch; any thread.
@c(px_model_stop_training)
public func pxModelStopTraining(_ model: OpaquePointer?) -> px_status {
  guarded("px_model_stop_training") {
    // Not under the model's lock, which the running fit holds: a flag the fit reads.
    let handle = try ModelHandle.box(model, in: "px_model_stop_training")
    handle.stopRequested.withLock { $0 = true }
  }
}

/// `px_model_evaluate`: the compiled loss and metrics on `x` and `y`.
@c(px_model_evaluate)
public func pxModelEvaluate(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int, _ batchSizeValue: Int64,
  _ progress: px_progress_fn?, _ user: UnsafeMutableRawPointer?,
  _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  evaluateCall(
    "px_model_evaluate", model, x, xCount, y, yCount, sampleWeight: nil, batchSizeValue,
    progress, user, outLogs)
}

/// `px_model_evaluate` and `px_model_evaluate_weighted` (`function` names the call in errors).
func evaluateCall(
  _ function: String, _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?,
  _ xCount: Int, _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int,
  sampleWeight: OpaquePointer?, _ batchSizeValue: Int64, _ progress: px_progress_fn?,
  _ user: UnsafeMutableRawPointer?, _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  guarded(function) {
    let out = try required(outLogs, "out_logs", in: function)
    let inputs = try TensorHandle.tensors(x, count: xCount, "x", in: function)
    let targets = try TensorHandle.tensors(y, count: yCount, "y", in: function)
    let weights = try optionalTensor(sampleWeight, "sample_weight", in: function)
    let batch = try batchSize(batchSizeValue, "batch_size", in: function)
    let (logs, order) = try ModelHandle.withExclusiveCall(
      model, in: function, inference: true
    ) { model, handle in
      let reporter = ProgressReporter(progress, user: user, handle: handle, isFit: false)
      let logs = try model.evaluate(
        inputs, targets, batchSize: batch, verbose: 0, sampleWeight: weights,
        callbacks: [reporter])
      return (logs, model.metricsNames)
    }
    out.pointee = HandleTable.shared.insert(LogsHandle(single: logs, order: order), kind: .logs)
  }
}

/// Writes `tensors` as new handles into a caller array of `capacity` handles.
private func writeOutputs(
  _ tensors: [Tensor], _ outputs: UnsafeMutablePointer<OpaquePointer?>, capacity: Int,
  in function: String
) throws {
  guard tensors.count <= capacity else {
    throw invalidArgument(
      function, "capacity \(capacity) is less than the \(tensors.count) outputs made")
  }
  for (index, tensor) in tensors.enumerated() { outputs[index] = TensorHandle.make(tensor) }
}

/// Checks a predict call's output array against the model's output count (inside the call's
/// lock: one lookup and one lock per call, which a one-sample predict notices).
private func checkOutputCapacity(_ capacity: Int, _ model: Model, in function: String) throws {
  guard capacity >= model.outputCount else {
    throw invalidArgument(
      function, "capacity \(capacity) is less than the model's \(model.outputCount) outputs")
  }
}

/// `px_model_predict`: the outputs for `x`, in batches.
@c(px_model_predict)
public func pxModelPredict(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ batchSizeValue: Int64, _ progress: px_progress_fn?, _ user: UnsafeMutableRawPointer?,
  _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int
) -> px_status {
  let function = "px_model_predict"
  return guarded(function) {
    let inputs = try TensorHandle.tensors(x, count: xCount, "x", in: function)
    let batch = try batchSize(batchSizeValue, "batch_size", in: function)
    let array = try required(outputs, "outputs", in: function)
    let capacity = try validatedCount(capacity, argument: "capacity", in: function)
    let results = try ModelHandle.withExclusiveCall(
      model, in: function, inference: true
    ) { model, handle in
      try checkOutputCapacity(capacity, model, in: function)
      let reporter = ProgressReporter(progress, user: user, handle: handle, isFit: false)
      return try model.predict(inputs, batchSize: batch, callbacks: [reporter])
    }
    try writeOutputs(results, array, capacity: capacity, in: function)
  }
}

/// `px_model_predict_on_batch`: the outputs for one batch, unbatched.
@c(px_model_predict_on_batch)
public func pxModelPredictOnBatch(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int
) -> px_status {
  oneBatchCall("px_model_predict_on_batch", model, x, xCount, outputs, capacity) {
    model, inputs in
    if inputs.count == 1, model.outputCount == 1, let input = inputs.first {
      return [try model.predictOnBatch(input)]
    }
    return try model.predict(inputs, batchSize: Swift.max(1, inputs.first?.shape.dims.first ?? 1))
  }
}

/// `px_model_call`: the outputs for one batch, as Keras's `model(x, training=...)`.
@c(px_model_call)
public func pxModelCall(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int, _ training: Int32,
  _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int
) -> px_status {
  oneBatchCall("px_model_call", model, x, xCount, outputs, capacity) { model, inputs in
    try model(multiple: inputs, training: training != 0)
  }
}

/// A call that runs the model on one batch and writes its outputs (`px_model_predict_on_batch`,
/// `px_model_call`): the arguments checked, `run` under the model's exclusive call.
private func oneBatchCall(
  _ function: String, _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?,
  _ xCount: Int, _ outputs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
  _ run: (Model, [Tensor]) throws -> [Tensor]
) -> px_status {
  guarded(function) {
    let inputs = try TensorHandle.tensors(x, count: xCount, "x", in: function)
    let array = try required(outputs, "outputs", in: function)
    let capacity = try validatedCount(capacity, argument: "capacity", in: function)
    let results = try ModelHandle.withExclusiveCall(
      model, in: function, inference: true
    ) { model, _ in
      try checkOutputCapacity(capacity, model, in: function)
      return try run(model, inputs)
    }
    try writeOutputs(results, array, capacity: capacity, in: function)
  }
}

/// `px_model_train_on_batch`: one optimizer step on one batch.
@c(px_model_train_on_batch)
public func pxModelTrainOnBatch(
  _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?, _ xCount: Int,
  _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int,
  _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  trainOnBatchCall(
    "px_model_train_on_batch", model, x, xCount, y, yCount, sampleWeight: nil,
    classes: (nil, nil, 0), outLogs)
}

/// `px_model_train_on_batch` and `px_model_train_on_batch_weighted` (`function` names the call
/// in errors).
func trainOnBatchCall(
  _ function: String, _ model: OpaquePointer?, _ x: UnsafePointer<OpaquePointer?>?,
  _ xCount: Int, _ y: UnsafePointer<OpaquePointer?>?, _ yCount: Int,
  sampleWeight: OpaquePointer?,
  classes: (ids: UnsafePointer<Int64>?, weights: UnsafePointer<Double>?, count: Int),
  _ outLogs: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  guarded(function) {
    let inputs = try TensorHandle.tensors(x, count: xCount, "x", in: function)
    let targets = try TensorHandle.tensors(y, count: yCount, "y", in: function)
    let weights = try optionalTensor(sampleWeight, "sample_weight", in: function)
    let perClass = try classWeights(
      classes.ids, classes.weights, count: classes.count,
      ("classes", "class_weights", "class_count"), in: function)
    let (logs, order) = try ModelHandle.withExclusiveCall(model, in: function) { model, _ in
      (
        try model.trainOnBatch(inputs, targets, sampleWeight: weights, classWeight: perClass),
        model.metricsNames
      )
    }
    if let outLogs {
      outLogs.pointee = HandleTable.shared.insert(
        LogsHandle(single: logs, order: order), kind: .logs)
    }
  }
}

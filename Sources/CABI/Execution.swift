import CPlexusSupport
import Plexus

/// `px_model_set_execution`: compiled or eager steps, as Keras's `jit_compile` and
/// `run_eagerly`.
@c(px_model_set_execution)
public func pxModelSetExecution(_ model: OpaquePointer?, _ jitCompile: Int32, _ runEagerly: Int32)
  -> px_status
{
  let function = "px_model_set_execution"
  return guarded(function) {
    let mode: JitCompile
    switch jitCompile {
    case Int32(PX_OPTION_DEFAULT): mode = .auto
    case Int32(PX_OPTION_ON): mode = .on
    case Int32(PX_OPTION_OFF): mode = .off
    default:
      throw invalidArgument(
        function,
        "jit_compile is \(jitCompile); expected PX_OPTION_DEFAULT (0, Keras's \"auto\"), "
          + "PX_OPTION_ON (1) or PX_OPTION_OFF (2)")
    }
    guard runEagerly == 0 || runEagerly == 1 else {
      throw invalidArgument(function, "run_eagerly is \(runEagerly); expected 0 or 1")
    }
    try ModelHandle.withModel(model, in: function) { model in
      model.jitCompile = mode
      model.runEagerly = runEagerly == 1
    }
  }
}

/// `px_model_step_counts`: eager calls, captures, replays and retraces of one compiled step.
@c(px_model_step_counts)
public func pxModelStepCounts(
  _ model: OpaquePointer?, _ step: Int32, _ outCounts: UnsafeMutablePointer<Int64>?
) -> px_status {
  let function = "px_model_step_counts"
  return guarded(function) {
    let key: String
    switch step {
    case Int32(PX_STEP_TRAIN): key = "train"
    case Int32(PX_STEP_TEST): key = "test"
    case Int32(PX_STEP_PREDICT): key = "predict"
    default:
      throw invalidArgument(
        function,
        "step is \(step); expected PX_STEP_TRAIN (0), PX_STEP_TEST (1) or PX_STEP_PREDICT (2)")
    }
    let out = try required(outCounts, "out_counts", in: function)
    let statistics = try ModelHandle.withModel(model, in: function) { model in
      model.compilationStatistics[key] ?? CompilationStatistics()
    }
    out[0] = Int64(statistics.eagerCalls)
    out[1] = Int64(statistics.captures)
    out[2] = Int64(statistics.replays)
    out[3] = Int64(statistics.retraces)
  }
}

/// `px_model_set_loss_weights`: each output's weight in the total loss, or 1 each.
@c(px_model_set_loss_weights)
public func pxModelSetLossWeights(
  _ model: OpaquePointer?, _ weights: UnsafePointer<Double>?, _ count: Int
) -> px_status {
  let function = "px_model_set_loss_weights"
  return guarded(function) {
    guard count >= 0, count <= 1 << 20 else {
      throw invalidArgument(function, "count is \(count); expected one weight per output")
    }
    let values: [Double]?
    if count == 0 {
      values = nil
    } else {
      guard let weights else {
        throw invalidArgument(function, "weights is NULL with count \(count)")
      }
      values = Array(UnsafeBufferPointer(start: weights, count: count))
    }
    try ModelHandle.withModel(model, in: function) { model in
      try model.setLossWeights(values)
    }
  }
}

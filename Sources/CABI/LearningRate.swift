import CPlexusSupport
import Plexus

// The compiled optimizer's learning rate and step count, for callbacks that schedule the rate
// between epochs (Keras's ReduceLROnPlateau and LearningRateScheduler).

/// The compiled optimizer of `model`, or an error naming the model when it is not compiled.
private func compiledOptimizer(_ model: Model, in function: String) throws -> Optimizer {
  guard let optimizer = model.optimizer else {
    throw PlexusError.invalidState(
      context: function,
      message: "model '\(model.name)' is not compiled, so it has no optimizer: call "
        + "px_model_compile first")
  }
  return optimizer
}

/// `px_model_learning_rate`: the rate of the next step (a schedule's value at the current
/// step).
@c(px_model_learning_rate)
public func pxModelLearningRate(_ model: OpaquePointer?, _ outRate: UnsafeMutablePointer<Double>?)
  -> px_status
{
  let function = "px_model_learning_rate"
  return guarded(function) {
    let out = try required(outRate, "out_rate", in: function)
    out.pointee = try ModelHandle.withModel(model, in: function) { model in
      try compiledOptimizer(model, in: function).learningRate
    }
  }
}

/// `px_model_set_learning_rate`: a fixed rate from the next step on, replacing a schedule.
@c(px_model_set_learning_rate)
public func pxModelSetLearningRate(_ model: OpaquePointer?, _ rate: Double) -> px_status {
  let function = "px_model_set_learning_rate"
  return guarded(function) {
    guard rate.isFinite, rate >= 0 else {
      throw invalidArgument(function, "rate is \(rate); expected a finite rate ≥ 0")
    }
    // withModel, not withMutableModel: a progress callback lowers the rate between epochs, as
    // Keras's callbacks do; the running fit reads the rate at each step.
    try ModelHandle.withModel(model, in: function) { model in
      try compiledOptimizer(model, in: function).learningRate = rate
    }
  }
}

/// `px_model_iterations`: the number of optimizer steps applied so far.
@c(px_model_iterations)
public func pxModelIterations(
  _ model: OpaquePointer?, _ outIterations: UnsafeMutablePointer<Int64>?
) -> px_status {
  let function = "px_model_iterations"
  return guarded(function) {
    let out = try required(outIterations, "out_iterations", in: function)
    out.pointee = try ModelHandle.withModel(model, in: function) { model in
      Int64(try compiledOptimizer(model, in: function).iterations)
    }
  }
}

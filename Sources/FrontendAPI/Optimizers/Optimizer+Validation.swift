extension Optimizer {
  /// Throws naming this optimizer, `parameter`, the accepted range and `value` unless
  /// `accepts(value)`. NaN is never accepted.
  func require(
    _ parameter: String, _ value: Double, in range: String, _ accepts: (Double) -> Bool
  ) throws {
    guard !value.isNaN, accepts(value) else {
      throw PlexusError.invalidArgument(
        context: "\(type(of: self))",
        message: "\(parameter) must be \(range), received \(value)")
    }
  }

  /// The checks every optimizer shares: ``iterations`` in `0..<Int.max`, a valid schedule, a
  /// finite, non-negative learning rate and weight decay, positive clipping limits, and with
  /// ``useEMA`` an `emaMomentum` in `[0, 1]` and an `emaOverwriteFrequency` of at least 1.
  func validateCommonHyperparameters() throws {
    guard iterations >= 0, iterations < Int.max else {
      throw PlexusError.invalidArgument(
        context: "\(type(of: self))",
        message: "iterations must be in 0..<Int.max, received \(iterations)")
    }
    if let learningRateSchedule {
      try learningRateSchedule.validate()
      let rate = learningRateSchedule(rawIterations)
      try require(
        "learningRate (\(learningRateSchedule.className) at step \(rawIterations))", rate,
        in: "finite and ≥ 0"
      ) { $0.isFinite && $0 >= 0 }
    } else {
      try require("learningRate", learningRate, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    }
    if let weightDecay {
      try require("weightDecay", weightDecay, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    }
    // Plain checks rather than a loop over a fresh array: this runs every step.
    if let clipnorm { try require("clipnorm", clipnorm, in: "> 0") { $0 > 0 } }
    if let clipvalue { try require("clipvalue", clipvalue, in: "> 0") { $0 > 0 } }
    if let globalClipnorm { try require("globalClipnorm", globalClipnorm, in: "> 0") { $0 > 0 } }
    if let steps = gradientAccumulationSteps {
      guard steps == 0 || (steps >= 2 && steps <= Int(Int32.max)) else {
        throw PlexusError.invalidArgument(
          context: "\(type(of: self))",
          message:
            "gradientAccumulationSteps must be an integer ≥ 2, or 0 or nil (off), received \(steps)"
        )
      }
    }
    if let steps = accumulatesOver {
      guard accumulatedSteps >= 0, accumulatedSteps < steps else {
        throw PlexusError.invalidArgument(
          context: "\(type(of: self))",
          message: "accumulatedSteps must be in 0..<\(steps) (gradientAccumulationSteps), "
            + "received \(accumulatedSteps)")
      }
    }
    guard useEMA else { return }
    try require("emaMomentum", emaMomentum, in: "in [0, 1]") { (0...1).contains($0) }
    if let emaOverwriteFrequency, emaOverwriteFrequency < 1 {
      throw PlexusError.invalidArgument(
        context: "\(type(of: self))",
        message: "emaOverwriteFrequency must be ≥ 1 or nil, received \(emaOverwriteFrequency)")
    }
  }
}

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

  /// The checks every optimizer shares: a finite, non-negative learning rate and weight decay,
  /// and positive clipping limits.
  func validateCommonHyperparameters() throws {
    try require("learningRate", learningRate, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    if let weightDecay {
      try require("weightDecay", weightDecay, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    }
    for (parameter, value) in [
      ("clipnorm", clipnorm), ("clipvalue", clipvalue), ("globalClipnorm", globalClipnorm),
    ] {
      if let value { try require(parameter, value, in: "> 0") { $0 > 0 } }
    }
  }
}

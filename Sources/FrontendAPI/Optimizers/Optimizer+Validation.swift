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
    // Three plain checks rather than a loop over a fresh array: this runs every step.
    if let clipnorm { try require("clipnorm", clipnorm, in: "> 0") { $0 > 0 } }
    if let clipvalue { try require("clipvalue", clipvalue, in: "> 0") { $0 > 0 } }
    if let globalClipnorm { try require("globalClipnorm", globalClipnorm, in: "> 0") { $0 > 0 } }
  }
}

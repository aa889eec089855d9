/// The settings every optimizer config holds, read once for all of them; the ones Plexus has
/// no counterpart for (EMA, loss scaling, gradient accumulation) must keep Keras's defaults.
public struct OptimizerSettings {
  /// `name`.
  public let name: String
  /// `learning_rate` (a number; schedules are not supported yet).
  public let learningRate: Double
  /// `weight_decay`.
  public let weightDecay: Double?
  /// `clipnorm`.
  public let clipnorm: Double?
  /// `clipvalue`.
  public let clipvalue: Double?
  /// `global_clipnorm`.
  public let globalClipnorm: Double?

  /// Reads the shared settings from `config`.
  public init(_ config: ConfigReader, defaultName: String, learningRate: Double) throws {
    name = try config.string("name", default: defaultName)
    if let raw = config.value("learning_rate"), raw.objectValue != nil {
      throw PlexusError.invalidArgument(
        context: "\(config.className) config",
        message: "'learning_rate' is a schedule (\(raw)); Plexus reads a number only")
    }
    self.learningRate = try config.double("learning_rate", default: learningRate)
    weightDecay = try config.optionalDouble("weight_decay")
    clipnorm = try config.optionalDouble("clipnorm")
    clipvalue = try config.optionalDouble("clipvalue")
    globalClipnorm = try config.optionalDouble("global_clipnorm")
    let reason = "Plexus does not implement it"
    try config.requireDefault("use_ema", false, reason: reason)
    _ = try config.double("ema_momentum", default: 0.99)
    try config.requireDefault("ema_overwrite_frequency", .null, reason: reason)
    try config.requireDefault("loss_scale_factor", .null, reason: reason)
    try config.requireDefault("gradient_accumulation_steps", .null, reason: reason)
  }

  /// Rejects unknown keys, then returns `optimizer`.
  public func finish(_ config: ConfigReader, _ optimizer: Optimizer) throws -> Optimizer {
    try config.finish()
    return optimizer
  }
}

/// The settings every optimizer config holds, read once for all of them; the one Plexus has
/// no counterpart for (loss scaling: Plexus trains bfloat16, which needs none) must keep
/// Keras's default.
public struct OptimizerSettings {
  /// `name`.
  public let name: String
  /// `learning_rate` when it is a number (the class's default when it is a schedule).
  public let learningRate: Double
  /// `learning_rate` when it is a serialized schedule.
  public let learningRateSchedule: (any LearningRateSchedule)?
  /// `weight_decay`.
  public let weightDecay: Double?
  /// `clipnorm`.
  public let clipnorm: Double?
  /// `clipvalue`.
  public let clipvalue: Double?
  /// `global_clipnorm`.
  public let globalClipnorm: Double?
  /// `use_ema`.
  public let useEMA: Bool
  /// `ema_momentum`.
  public let emaMomentum: Double
  /// `ema_overwrite_frequency`.
  public let emaOverwriteFrequency: Int?
  /// `gradient_accumulation_steps`.
  public let gradientAccumulationSteps: Int?

  /// Reads the shared settings from `config`; `learningRate` is the class's default rate.
  public init(_ config: ConfigReader, defaultName: String, learningRate: Double) throws {
    name = try config.string("name", default: defaultName)
    if let raw = config.value("learning_rate"), raw.objectValue != nil {
      learningRateSchedule = try LearningRateSchedules.fromConfig(raw)
      self.learningRate = learningRate
    } else {
      learningRateSchedule = nil
      self.learningRate = try config.double("learning_rate", default: learningRate)
    }
    weightDecay = try config.optionalDouble("weight_decay")
    clipnorm = try config.optionalDouble("clipnorm")
    clipvalue = try config.optionalDouble("clipvalue")
    globalClipnorm = try config.optionalDouble("global_clipnorm")
    useEMA = try config.bool("use_ema", default: false)
    emaMomentum = try config.double("ema_momentum", default: 0.99)
    emaOverwriteFrequency = try config.optionalInt("ema_overwrite_frequency")
    gradientAccumulationSteps = try config.optionalInt("gradient_accumulation_steps")
    try config.requireDefault(
      "loss_scale_factor", .null, reason: "Plexus does not implement it")
  }

  /// Rejects unknown keys, gives `optimizer` the schedule and moving-average settings, checks
  /// every hyper-parameter, then returns `optimizer`.
  public func finish(_ config: ConfigReader, _ optimizer: Optimizer) throws -> Optimizer {
    try config.finish()
    if let learningRateSchedule { optimizer.learningRateSchedule = learningRateSchedule }
    optimizer.useEMA = useEMA
    optimizer.emaMomentum = emaMomentum
    optimizer.emaOverwriteFrequency = emaOverwriteFrequency
    optimizer.gradientAccumulationSteps = gradientAccumulationSteps
    try optimizer.validateHyperparameters()
    return optimizer
  }
}

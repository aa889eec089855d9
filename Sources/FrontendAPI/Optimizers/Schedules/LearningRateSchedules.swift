/// Loading learning-rate schedules: the registry of names optimizer configs may use, and
/// ``fromConfig(_:)``. Equivalent to `keras.optimizers.schedules.deserialize`.
public enum LearningRateSchedules {
  /// The names schedules load by; register custom ones here.
  ///
  /// ```swift
  /// LearningRateSchedules.registry.register("Halving", package: "MyApp") { config in
  ///   let made = Halving(every: try config.int("every"))
  ///   try config.finish()
  ///   return made
  /// }
  /// ```
  public static let registry = Registry<any LearningRateSchedule>(
    kind: "learning rate schedule", owner: "LearningRateSchedules.registry",
    builtins: [
      "ExponentialDecay": { config in
        try finish(
          config,
          ExponentialDecay(
            initialLearningRate: try config.double("initial_learning_rate"),
            decaySteps: try config.int("decay_steps"), decayRate: try config.double("decay_rate"),
            staircase: try config.bool("staircase", default: false),
            name: try config.name() ?? "ExponentialDecay"))
      },
      "PiecewiseConstantDecay": { config in
        try finish(
          config,
          PiecewiseConstantDecay(
            boundaries: try integers(config, "boundaries"), values: try numbers(config, "values"),
            name: try config.name() ?? "PiecewiseConstant"))
      },
      "PolynomialDecay": { config in
        try finish(
          config,
          PolynomialDecay(
            initialLearningRate: try config.double("initial_learning_rate"),
            decaySteps: try config.int("decay_steps"),
            endLearningRate: try config.double("end_learning_rate", default: 0.0001),
            power: try config.double("power", default: 1),
            cycle: try config.bool("cycle", default: false),
            name: try config.name() ?? "PolynomialDecay"))
      },
      "InverseTimeDecay": { config in
        try finish(
          config,
          InverseTimeDecay(
            initialLearningRate: try config.double("initial_learning_rate"),
            decaySteps: try config.int("decay_steps"), decayRate: try config.double("decay_rate"),
            staircase: try config.bool("staircase", default: false),
            name: try config.name() ?? "InverseTimeDecay"))
      },
      "CosineDecay": { config in
        try finish(
          config,
          CosineDecay(
            initialLearningRate: try config.double("initial_learning_rate"),
            decaySteps: try config.int("decay_steps"),
            alpha: try config.double("alpha", default: 0),
            warmupTarget: try config.optionalDouble("warmup_target"),
            warmupSteps: try config.optionalInt("warmup_steps", default: 0) ?? 0,
            name: try config.name() ?? "CosineDecay"))
      },
      "CosineDecayRestarts": { config in
        try finish(
          config,
          CosineDecayRestarts(
            initialLearningRate: try config.double("initial_learning_rate"),
            firstDecaySteps: try config.int("first_decay_steps"),
            tMul: try config.double("t_mul", default: 2),
            mMul: try config.double("m_mul", default: 1),
            alpha: try config.double("alpha", default: 0),
            name: try config.name() ?? "SGDRDecay"))
      },
    ])

  /// Rebuilds a schedule from its serialized form (an optimizer's `learning_rate` object).
  public static func fromConfig(_ value: ConfigValue) throws -> any LearningRateSchedule {
    try registry.make(SerializedObject(value, kind: "LearningRateSchedule"))
  }

  /// Rejects unknown keys and settings out of range, then returns `schedule`.
  private static func finish(
    _ config: ConfigReader, _ schedule: any LearningRateSchedule
  ) throws -> any LearningRateSchedule {
    try config.finish()
    try schedule.validate()
    return schedule
  }

  private static func integers(_ config: ConfigReader, _ key: String) throws -> [Int] {
    guard let entries = config.value(key)?.arrayValue else {
      throw config.mismatch(key, "an array of integers")
    }
    return try entries.map { entry in
      guard let value = entry.intValue else { throw config.mismatch(key, "an array of integers") }
      return value
    }
  }

  private static func numbers(_ config: ConfigReader, _ key: String) throws -> [Double] {
    guard let entries = config.value(key)?.arrayValue else {
      throw config.mismatch(key, "an array of numbers")
    }
    return try entries.map { entry in
      guard let value = entry.doubleValue else { throw config.mismatch(key, "an array of numbers") }
      return value
    }
  }
}

extension Optimizer {
  /// The Keras class name (`"Adam"`).
  public var className: String { String(describing: type(of: self)) }

  /// The optimizer as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Self.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.optimizers" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Rebuilds an optimizer from its serialized form, or from a Keras name (`"adam"`).
  /// Equivalent to `keras.optimizers.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Optimizer {
    if let name = value.stringValue { return try named(name) }
    return try registry.make(SerializedObject(value, kind: "Optimizer"))
  }

  /// The names optimizers load by; register custom ones here.
  public static let registry = Registry<Optimizer>(
    kind: "optimizer", owner: "Optimizer.registry",
    builtins: [
      "SGD": { config in
        let base = try OptimizerSettings(config, defaultName: "sgd", learningRate: 0.01)
        return try base.finish(
          config,
          SGD(
            learningRate: base.learningRate, momentum: try config.double("momentum", default: 0),
            nesterov: try config.bool("nesterov", default: false), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "Adam": { config in
        let base = try OptimizerSettings(config, defaultName: "adam", learningRate: 0.001)
        return try base.finish(
          config,
          Adam(
            learningRate: base.learningRate, beta1: try config.double("beta_1", default: 0.9),
            beta2: try config.double("beta_2", default: 0.999),
            epsilon: try config.double("epsilon", default: 1e-7),
            amsgrad: try config.bool("amsgrad", default: false), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "AdamW": { config in
        let base = try OptimizerSettings(config, defaultName: "adam_w", learningRate: 0.001)
        return try base.finish(
          config,
          AdamW(
            learningRate: base.learningRate, weightDecay: try weightDecay(base, config),
            beta1: try config.double("beta_1", default: 0.9),
            beta2: try config.double("beta_2", default: 0.999),
            epsilon: try config.double("epsilon", default: 1e-7),
            amsgrad: try config.bool("amsgrad", default: false), clipnorm: base.clipnorm,
            clipvalue: base.clipvalue, globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "RMSprop": { config in
        let base = try OptimizerSettings(config, defaultName: "rm_sprop", learningRate: 0.001)
        return try base.finish(
          config,
          RMSprop(
            learningRate: base.learningRate, rho: try config.double("rho", default: 0.9),
            momentum: try config.double("momentum", default: 0),
            epsilon: try config.double("epsilon", default: 1e-7),
            centered: try config.bool("centered", default: false), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "Adagrad": { config in
        let base = try OptimizerSettings(config, defaultName: "adagrad", learningRate: 0.001)
        return try base.finish(
          config,
          Adagrad(
            learningRate: base.learningRate,
            initialAccumulatorValue: try config.double("initial_accumulator_value", default: 0.1),
            epsilon: try config.double("epsilon", default: 1e-7), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "Adadelta": { config in
        let base = try OptimizerSettings(config, defaultName: "adadelta", learningRate: 0.001)
        return try base.finish(
          config,
          Adadelta(
            learningRate: base.learningRate, rho: try config.double("rho", default: 0.95),
            epsilon: try config.double("epsilon", default: 1e-7), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "Adamax": { config in
        let base = try OptimizerSettings(config, defaultName: "adamax", learningRate: 0.001)
        return try base.finish(
          config,
          Adamax(
            learningRate: base.learningRate, beta1: try config.double("beta_1", default: 0.9),
            beta2: try config.double("beta_2", default: 0.999),
            epsilon: try config.double("epsilon", default: 1e-7), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "Nadam": { config in
        let base = try OptimizerSettings(config, defaultName: "nadam", learningRate: 0.001)
        return try base.finish(
          config,
          Nadam(
            learningRate: base.learningRate, beta1: try config.double("beta_1", default: 0.9),
            beta2: try config.double("beta_2", default: 0.999),
            epsilon: try config.double("epsilon", default: 1e-7), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
      "Lion": { config in
        let base = try OptimizerSettings(config, defaultName: "lion", learningRate: 0.001)
        return try base.finish(
          config,
          Lion(
            learningRate: base.learningRate, beta1: try config.double("beta_1", default: 0.9),
            beta2: try config.double("beta_2", default: 0.99), weightDecay: base.weightDecay,
            clipnorm: base.clipnorm, clipvalue: base.clipvalue,
            globalClipnorm: base.globalClipnorm, name: base.name))
      },
    ])

  /// AdamW's `weight_decay`: absent means Keras's default (0.004); `null` is refused, as Keras
  /// refuses `weight_decay=None`.
  private static func weightDecay(_ base: OptimizerSettings, _ config: ConfigReader) throws
    -> Double
  {
    guard config.contains("weight_decay") else { return 0.004 }
    guard let decay = base.weightDecay else {
      throw config.mismatch("weight_decay", "a number (AdamW needs a weight decay)")
    }
    return decay
  }
}

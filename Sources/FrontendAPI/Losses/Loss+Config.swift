extension Loss {
  /// The Keras class name (`"SparseCategoricalCrossentropy"`).
  public var className: String { String(describing: type(of: self)) }

  /// The loss as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Self.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.losses" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Rebuilds a loss from its serialized form, or from a Keras name
  /// (`"sparse_categorical_crossentropy"`). Equivalent to `keras.losses.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Loss {
    if let name = value.stringValue { return try named(name) }
    return try registry.make(SerializedObject(value, kind: "Loss"))
  }

  /// The names losses load by; register custom ones here.
  public static let registry = Registry<Loss>(
    kind: "loss", owner: "Loss.registry",
    builtins: ([
      "SparseCategoricalCrossentropy": { config in
        let fromLogits = try config.bool("from_logits", default: false)
        return try finish(
          config,
          SparseCategoricalCrossentropy(
            fromLogits: fromLogits, ignoreClass: try config.optionalInt("ignore_class"),
            reduction: try reduction(config),
            name: try config.string("name", default: "sparse_categorical_crossentropy")))
      },
      "CategoricalCrossentropy": { config in
        try config.requireDefault("axis", -1, reason: "Plexus reduces over the last axis")
        return try finish(
          config,
          CategoricalCrossentropy(
            fromLogits: try config.bool("from_logits", default: false),
            labelSmoothing: try config.double("label_smoothing", default: 0),
            reduction: try reduction(config),
            name: try config.string("name", default: "categorical_crossentropy")))
      },
      "BinaryCrossentropy": { config in
        try config.requireDefault("axis", -1, reason: "Plexus reduces over the last axis")
        return try finish(
          config,
          BinaryCrossentropy(
            fromLogits: try config.bool("from_logits", default: false),
            labelSmoothing: try config.double("label_smoothing", default: 0),
            reduction: try reduction(config),
            name: try config.string("name", default: "binary_crossentropy")))
      },
      "MeanSquaredError": { config in
        try finish(
          config,
          MeanSquaredError(
            reduction: try reduction(config),
            name: try config.string("name", default: "mean_squared_error")))
      },
      "MeanAbsoluteError": { config in
        try finish(
          config,
          MeanAbsoluteError(
            reduction: try reduction(config),
            name: try config.string("name", default: "mean_absolute_error")))
      },
      "MeanAbsolutePercentageError": { config in
        try finish(
          config,
          MeanAbsolutePercentageError(
            reduction: try reduction(config),
            name: try config.string("name", default: "mean_absolute_percentage_error")))
      },
      // Keras's get_config leaves out `delta` and `axis`; its from_config takes them.
      "Huber": { config in
        let loss = Huber(
          delta: try config.double("delta", default: 1), reduction: try reduction(config),
          name: try config.string("name", default: "huber_loss"))
        try loss.validateHyperparameters()
        return try finish(config, loss)
      },
      "CosineSimilarity": { config in
        guard let axis = try config.optionalInt("axis", default: -1) else {
          throw config.mismatch("axis", "an integer")
        }
        return try finish(
          config,
          CosineSimilarity(
            axis: axis, reduction: try reduction(config),
            name: try config.string("name", default: "cosine_similarity")))
      },
      "KLDivergence": { config in
        try finish(
          config,
          KLDivergence(
            reduction: try reduction(config),
            name: try config.string("name", default: "kl_divergence")))
      },
      "Hinge": { config in
        try finish(
          config,
          Hinge(reduction: try reduction(config), name: try config.string("name", default: "hinge"))
        )
      },
      "LogCosh": { config in
        try finish(
          config,
          LogCosh(
            reduction: try reduction(config), name: try config.string("name", default: "log_cosh"))
        )
      },
      "Poisson": { config in
        try finish(
          config,
          Poisson(
            reduction: try reduction(config), name: try config.string("name", default: "poisson")))
      },
      "MeanSquaredLogarithmicError": { config in
        try finish(
          config,
          MeanSquaredLogarithmicError(
            reduction: try reduction(config),
            name: try config.string("name", default: "mean_squared_logarithmic_error")))
      },
      "SquaredHinge": { config in
        try finish(
          config,
          SquaredHinge(
            reduction: try reduction(config),
            name: try config.string("name", default: "squared_hinge")))
      },
      "CategoricalHinge": { config in
        try finish(
          config,
          CategoricalHinge(
            reduction: try reduction(config),
            name: try config.string("name", default: "categorical_hinge")))
      },
    ] as [String: Registry<Loss>.Factory]).merging(focalAndOverlapClasses) { first, _ in first })

  /// The `reduction` entry (Keras's default when absent; null, Keras's `None`, is `none`).
  public static func reduction(_ config: ConfigReader) throws -> Reduction {
    if config.value("reduction")?.isNull == true { return .none }
    let text = try config.string("reduction", default: Reduction.sumOverBatchSize.rawValue)
    guard let reduction = Reduction(rawValue: text) else {
      throw config.mismatch(
        "reduction",
        "one of " + Reduction.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
    }
    return reduction
  }

  static func finish(_ config: ConfigReader, _ loss: Loss) throws -> Loss {
    try config.finish()
    return loss
  }
}

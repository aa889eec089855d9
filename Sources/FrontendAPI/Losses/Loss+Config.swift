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
    builtins: [
      "SparseCategoricalCrossentropy": { config in
        let fromLogits = try config.bool("from_logits", default: false)
        try config.requireDefault(
          "ignore_class", .null, reason: "Plexus's loss has no ignored class")
        return try finish(
          config,
          SparseCategoricalCrossentropy(
            fromLogits: fromLogits, reduction: try reduction(config),
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
    ])

  /// The `reduction` entry (Keras's default when absent).
  public static func reduction(_ config: ConfigReader) throws -> Reduction {
    let text = try config.string("reduction", default: Reduction.sumOverBatchSize.rawValue)
    guard let reduction = Reduction(rawValue: text) else {
      throw config.mismatch(
        "reduction",
        "one of " + Reduction.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
    }
    return reduction
  }

  private static func finish(_ config: ConfigReader, _ loss: Loss) throws -> Loss {
    try config.finish()
    return loss
  }
}

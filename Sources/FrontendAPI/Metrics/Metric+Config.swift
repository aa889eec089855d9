extension Metric {
  /// The Keras class name (`"SparseCategoricalAccuracy"`).
  public var className: String { String(describing: type(of: self)) }

  /// The metric as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Self.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.metrics" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Rebuilds a metric from its serialized form, or from a Keras name (`"accuracy"`).
  /// Equivalent to `keras.metrics.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Metric {
    if let name = value.stringValue { return try named(name) }
    return try registry.make(SerializedObject(value, kind: "Metric"))
  }

  /// The names metrics load by; register custom ones here.
  public static let registry = Registry<Metric>(
    kind: "metric", owner: "Metric.registry",
    builtins: [
      "Accuracy": { config in
        try finish(config, Accuracy(name: try settings(config, "accuracy")))
      },
      "BinaryAccuracy": { config in
        let name = try settings(config, "binary_accuracy")
        return try finish(
          config,
          BinaryAccuracy(name: name, threshold: try config.double("threshold", default: 0.5)))
      },
      "CategoricalAccuracy": { config in
        try finish(config, CategoricalAccuracy(name: try settings(config, "categorical_accuracy")))
      },
      "SparseCategoricalAccuracy": { config in
        try finish(
          config,
          SparseCategoricalAccuracy(name: try settings(config, "sparse_categorical_accuracy")))
      },
      "Mean": { config in try finish(config, Mean(name: try settings(config, "mean"))) },
    ])

  /// Reads `name` and checks `dtype`: Plexus accumulates in float64 on the host and reports
  /// as Keras's float32 metrics do, so only float32 is accepted.
  private static func settings(_ config: ConfigReader, _ defaultName: String) throws -> String {
    try config.requireDefault(
      "dtype", "float32", reason: "Plexus metrics report float32 results only")
    return try config.string("name", default: defaultName)
  }

  private static func finish(_ config: ConfigReader, _ metric: Metric) throws -> Metric {
    try config.finish()
    return metric
  }
}

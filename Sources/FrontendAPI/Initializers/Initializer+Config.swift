extension Initializer {
  /// The class names whose config is `{"seed", "input_axes", "output_axes"}` (Keras's
  /// variance-scaling family).
  static let varianceScaling: Set<String> = [
    "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal",
  ]

  /// The settings as Keras's `get_config()` writes them.
  public var config: [String: ConfigValue] {
    let seedValue = ConfigValue.optional(seed)
    let parameter = { (key: String, fallback: Double) in
      ConfigValue.double(parameters[key] ?? fallback)
    }
    switch name {
    case _ where Self.varianceScaling.contains(name):
      return ["seed": seedValue, "input_axes": .null, "output_axes": .null]
    case "Constant": return ["value": parameter("value", 0)]
    case "Orthogonal": return ["seed": seedValue, "gain": parameter("gain", 1)]
    case "RandomNormal", "TruncatedNormal":
      return ["seed": seedValue, "mean": parameter("mean", 0), "stddev": parameter("stddev", 0.05)]
    case "RandomUniform":
      return [
        "seed": seedValue, "minval": parameter("minval", -0.05),
        "maxval": parameter("maxval", 0.05),
      ]
    case _ where Self.customDraw(name) != nil:
      var result = parameters.mapValues(ConfigValue.double)
      if let seed { result["seed"] = .int(seed) }
      return result
    default: return [:]
    }
  }

  /// The initializer as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let isCustom = Self.customDraw(name) != nil
    return SerializedObject(
      module: isCustom ? "" : "keras.initializers", className: name, config: .object(config),
      registeredName: isCustom ? name : nil)
  }

  /// Rebuilds an initializer from its serialized form or a Keras name (`"glorot_uniform"`).
  /// Equivalent to `keras.initializers.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Initializer {
    if let shortcut = value.stringValue { return try Initializer(name: shortcut) }
    return try registry.make(SerializedObject(value, kind: "Initializer"))
  }

  /// The names initializers load by.
  public static let registry = Registry<Initializer>(
    kind: "initializer", owner: "Initializer.registry",
    builtins: Dictionary(
      uniqueKeysWithValues: known.map { name -> (String, Registry<Initializer>.Factory) in
        (name, { config in try make(name, from: config) })
      }))

  private static func make(_ name: String, from config: ConfigReader) throws -> Initializer {
    var parameters: [String: Double] = [:]
    let keys: [String: [String]] = [
      "Constant": ["value"], "RandomNormal": ["mean", "stddev"],
      "TruncatedNormal": ["mean", "stddev"], "RandomUniform": ["minval", "maxval"],
      "Orthogonal": ["gain"],
    ]
    for key in keys[name] ?? [] where config.contains(key) {
      parameters[key] = try config.double(key)
    }
    if varianceScaling.contains(name) {
      let reason = "Plexus computes fans from the last two axes only"
      try config.requireDefault("input_axes", .null, reason: reason)
      try config.requireDefault("output_axes", .null, reason: reason)
    }
    let seed = try config.optionalInt("seed")
    try config.finish()
    return try Initializer(name: name, parameters: parameters).seeded(seed)
  }
}

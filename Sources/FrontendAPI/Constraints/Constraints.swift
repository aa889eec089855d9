/// Loading constraints: the registry of names configs may use, and ``fromConfig(_:)``.
/// Equivalent to `keras.constraints.get` / `deserialize`.
public enum Constraints {
  /// The names constraints load by; register custom ones here.
  ///
  /// ```swift
  /// Constraints.registry.register("Clip", package: "MyApp") { config in
  ///   let made = Clip(limit: try config.double("limit"))
  ///   try config.finish()
  ///   return made
  /// }
  /// ```
  public static let registry = Registry<any Constraint>(
    kind: "constraint", owner: "Constraints.registry",
    builtins: [
      "MaxNorm": { config in
        let made = MaxNorm(
          try config.double("max_value", default: 2), axes: try axes(config, default: [0]))
        try config.finish()
        return made
      },
      "NonNeg": { config in
        try config.finish()
        return NonNeg()
      },
      "UnitNorm": { config in
        let made = UnitNorm(axes: try axes(config, default: [0]))
        try config.finish()
        return made
      },
    ])

  /// Rebuilds a constraint from its serialized form, or from a Keras shortcut
  /// (`"max_norm"`, `"non_neg"`, `"unit_norm"`).
  public static func fromConfig(_ value: ConfigValue) throws -> any Constraint {
    if let shortcut = value.stringValue {
      let aliases = ["max_norm": "MaxNorm", "non_neg": "NonNeg", "unit_norm": "UnitNorm"]
      return try registry.make(
        SerializedObject(module: "", className: aliases[shortcut] ?? shortcut, config: [:]))
    }
    return try registry.make(SerializedObject(value, kind: "Constraint"))
  }

  /// `axis` as Keras writes it: one integer or a list.
  private static func axes(_ config: ConfigReader, default fallback: [Int]) throws -> [Int] {
    guard let raw = config.value("axis") else { return fallback }
    if let axis = raw.intValue { return [axis] }
    if let list = raw.arrayValue, list.allSatisfy({ $0.intValue != nil }) {
      return list.compactMap(\.intValue)
    }
    throw config.mismatch("axis", "an integer or a list of integers")
  }

  /// `axes` as Keras writes `axis`: one integer when there is one.
  static func axisValue(_ axes: [Int]) -> ConfigValue {
    axes.count == 1 ? .int(axes[0]) : .array(axes.map(ConfigValue.int))
  }

  /// The L2 norms of `w` over `axes`, kept as size-1 axes.
  static func norms(_ w: Tensor, axes: [Int]) throws -> Tensor {
    try Ops.sqrt(Ops.sum(Ops.square(w), axes: axes, keepDims: true))
  }

  /// Keras's fuzz factor, `keras.backend.epsilon()`.
  static let epsilon = 1e-7
}

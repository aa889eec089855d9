/// Loading regularizers: the registry of names configs may use, and
/// ``fromConfig(_:)``. Equivalent to `keras.regularizers.get` / `deserialize`.
public enum Regularizers {
  /// The names regularizers load by; register custom ones here.
  ///
  /// ```swift
  /// Regularizers.registry.register("Orthogonal", package: "MyApp") { config in
  ///   let made = Orthogonal(factor: try config.double("factor"))
  ///   try config.finish()
  ///   return made
  /// }
  /// ```
  public static let registry = Registry<any Regularizer>(
    kind: "regularizer", owner: "Regularizers.registry",
    builtins: [
      "L1": { config in
        let made = L1(try config.double("l1", default: 0.01))
        try config.finish()
        return made
      },
      "L2": { config in
        let made = L2(try config.double("l2", default: 0.01))
        try config.finish()
        return made
      },
      "L1L2": { config in
        let made = L1L2(
          l1: try config.double("l1", default: 0), l2: try config.double("l2", default: 0))
        try config.finish()
        return made
      },
    ])

  /// Rebuilds a regularizer from its serialized form, or from a Keras shortcut (`"l1"`,
  /// `"l2"`, `"l1_l2"`).
  public static func fromConfig(_ value: ConfigValue) throws -> any Regularizer {
    if let shortcut = value.stringValue {
      switch shortcut {
      case "l1": return L1()
      case "l2": return L2()
      case "l1_l2": return L1L2(l1: 0.01, l2: 0.01)
      default:
        return try registry.make(SerializedObject(module: "", className: shortcut, config: [:]))
      }
    }
    return try registry.make(SerializedObject(value, kind: "Regularizer"))
  }
}

/// The base of every weight constraint: a projection applied to a variable after each
/// optimizer update (``Optimizer/apply(_:to:)`` applies ``Variable/constraint``).
///
/// ```swift
/// Dense(64, kernelConstraint: MaxNorm(3))
/// ```
/// A subclass overrides ``callAsFunction(_:)``, ``className`` and ``config``, and registers a
/// factory in ``registry`` to load. Equivalent to `keras.constraints.Constraint`.
open class Constraint {
  /// Creates a constraint.
  public init() {}

  /// The projected weight.
  open func callAsFunction(_ w: Tensor) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "\(type(of: self))", message: "a Constraint subclass must override callAsFunction")
  }

  /// The Keras class name (`"MaxNorm"`).
  open var className: String { String(describing: type(of: self)) }

  /// The settings under their Keras names, as `get_config()` returns them.
  open var config: [String: ConfigValue] { [:] }

  /// The constraint as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Self.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.constraints" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Rebuilds a constraint from its serialized form (or a Keras shortcut string:
  /// `"max_norm"`, `"non_neg"`, `"unit_norm"`). Equivalent to `keras.constraints.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Constraint {
    if let shortcut = value.stringValue {
      let aliases = ["max_norm": "MaxNorm", "non_neg": "NonNeg", "unit_norm": "UnitNorm"]
      return try registry.make(
        SerializedObject(module: "", className: aliases[shortcut] ?? shortcut, config: [:]))
    }
    return try registry.make(SerializedObject(value, kind: "Constraint"))
  }

  /// The names constraints load by; register custom ones here.
  public static let registry = Registry<Constraint>(
    kind: "constraint", owner: "Constraint.registry",
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

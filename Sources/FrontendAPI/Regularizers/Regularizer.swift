/// The base of every weight regularizer: a penalty computed from a tensor (a weight, or a
/// layer's output for an activity regularizer) that training adds to the loss.
///
/// ```swift
/// Dense(64, kernelRegularizer: L2(0.01))
/// ```
/// A subclass overrides ``callAsFunction(_:)``, ``className`` and ``config``, and registers a
/// factory in ``registry`` to load. Equivalent to `keras.regularizers.Regularizer`.
open class Regularizer {
  /// Creates a regularizer.
  public init() {}

  /// The penalty for `x`, a scalar of `x`'s dtype.
  open func callAsFunction(_ x: Tensor) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "\(type(of: self))", message: "a Regularizer subclass must override callAsFunction")
  }

  /// The Keras class name (`"L2"`).
  open var className: String { String(describing: type(of: self)) }

  /// The settings under their Keras names, as `get_config()` returns them.
  open var config: [String: ConfigValue] { [:] }

  /// The regularizer as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Self.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.regularizers" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Rebuilds a regularizer from its serialized form (or a Keras shortcut string: `"l1"`,
  /// `"l2"`, `"l1_l2"`). Equivalent to `keras.regularizers.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Regularizer {
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

  /// The names regularizers load by; register custom ones here.
  public static let registry = Registry<Regularizer>(
    kind: "regularizer", owner: "Regularizer.registry",
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

  /// Checks a penalty factor as Keras does: finite and non-negative.
  static func validated(_ value: Double, _ name: String, _ owner: String) throws -> Double {
    guard value.isFinite, value >= 0 else {
      throw PlexusError.invalidArgument(
        context: owner, message: "\(name) must be a finite non-negative number, received \(value)")
    }
    return value
  }
}

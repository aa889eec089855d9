/// A weight constraint: a projection applied to a variable after each optimizer update
/// (``Optimizer/apply(_:to:)`` applies ``Variable/constraint``).
///
/// ```swift
/// Dense(64, kernelConstraint: MaxNorm(3))
/// ```
/// A constraint is an immutable value, so it is `Sendable` and variables may hold it. A custom
/// one implements ``callAsFunction(_:)`` and ``config``, and registers a factory in
/// ``Constraints/registry`` so that configs naming it load.
/// Equivalent to `keras.constraints.Constraint`.
public protocol Constraint: Sendable {
  /// The projected weight.
  func callAsFunction(_ w: Tensor) throws -> Tensor

  /// The Keras class name (`"MaxNorm"`); the type's name by default.
  var className: String { get }

  /// The settings under their Keras names, as `get_config()` returns them.
  var config: [String: ConfigValue] { get }
}

extension Constraint {
  /// The type's name.
  public var className: String { String(describing: type(of: self)) }

  /// No settings.
  public var config: [String: ConfigValue] { [:] }

  /// The constraint as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Constraints.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.constraints" : "", className: className,
      config: .object(config), registeredName: registered)
  }
}

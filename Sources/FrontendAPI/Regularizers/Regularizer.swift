/// A weight regularizer: a penalty computed from a tensor (a weight, or a layer's output for
/// an activity regularizer) that training adds to the loss.
///
/// ```swift
/// Dense(64, kernelRegularizer: L2(0.01))
/// ```
/// A regularizer is an immutable value, so it is `Sendable`. A custom one implements
/// ``callAsFunction(_:)`` and ``config``, and registers a factory in
/// ``Regularizers/registry`` so that configs naming it load.
/// Equivalent to `keras.regularizers.Regularizer`.
public protocol Regularizer: Sendable {
  /// The penalty for `x`, a scalar of `x`'s dtype.
  func callAsFunction(_ x: Tensor) throws -> Tensor

  /// The Keras class name (`"L2"`); the type's name by default.
  var className: String { get }

  /// The settings under their Keras names, as `get_config()` returns them.
  var config: [String: ConfigValue] { get }
}

extension Regularizer {
  /// The type's name.
  public var className: String { String(describing: type(of: self)) }

  /// The regularizer as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Regularizers.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.regularizers" : "", className: className,
      config: .object(config), registeredName: registered)
  }
}

/// Checks a penalty factor as Keras does: finite and non-negative.
func validatedPenalty(_ value: Double, _ name: String, _ owner: String) throws -> Double {
  guard value.isFinite, value >= 0 else {
    throw PlexusError.invalidArgument(
      context: owner, message: "\(name) must be a finite non-negative number, received \(value)")
  }
  return value
}

extension ActivationFunction {
  /// Registers a custom activation under `name`, so that layers can use
  /// `ActivationFunction(name:)` with it and configs naming it load. Built-in names cannot be
  /// replaced.
  ///
  /// ```swift
  /// try ActivationFunction.register("cube") { x in try x * x * x }
  /// Dense(8, activation: try ActivationFunction(name: "cube"))
  /// ```
  /// Equivalent to registering a function with `keras.saving.register_keras_serializable`.
  public static func register(
    _ name: String, _ body: @escaping @Sendable (Tensor) throws -> Tensor
  ) throws {
    guard !known.contains(name) else {
      throw PlexusError.invalidArgument(
        context: "ActivationFunction.register",
        message: "'\(name)' is a built-in activation; choose another name")
    }
    custom.withLock { $0[name] = body }
  }

  /// The custom activation registered under `name`, if any.
  static func customBody(_ name: String) -> (@Sendable (Tensor) throws -> Tensor)? {
    custom.withLock { $0[name] }
  }

  private static let custom = Locked([String: @Sendable (Tensor) throws -> Tensor]())

  /// The name Keras writes: `"swish"` is an alias of `"silu"`, which Keras writes.
  var kerasName: String { name == "swish" ? "silu" : name }

  /// What a layer's config holds for this activation: the name of a built-in, the serialized
  /// function for a custom one (as Keras's `activations.serialize`).
  public var layerConfigValue: ConfigValue {
    Self.known.contains(name) ? .string(kerasName) : serialized.value
  }

  /// The activation as `keras.saving.serialize_keras_object` writes a function.
  public var serialized: SerializedObject {
    SerializedObject(
      module: "builtins", className: "function", config: .string(kerasName),
      registeredName: "function")
  }

  /// Rebuilds an activation from a name or a serialized function; only built-in and
  /// registered names resolve. Equivalent to `keras.activations.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> ActivationFunction {
    if value.isNull { return .linear }
    if let name = value.stringValue { return try ActivationFunction(name: name) }
    let object = try SerializedObject(value, kind: "Activation")
    return try ActivationFunction(name: object.lookupName)
  }
}

extension Initializer {
  /// Draws a tensor of a shape and dtype from an initializer's numeric settings.
  public typealias Draw = @Sendable (Shape, DType, [String: Double]) throws -> Tensor

  /// Registers a custom initializer under `name` (a Keras class name such as `"Scaled"`):
  /// `Initializer(name:parameters:)` then accepts it, its numeric settings are written to and
  /// read from its config, and configs naming it load. Built-in names cannot be replaced.
  ///
  /// ```swift
  /// try Initializer.register("Scaled") { shape, dtype, parameters in
  ///   try Tensor.full(shape, value: parameters["scale", default: 1], dtype: dtype)
  /// }
  /// let initializer = try Initializer(name: "Scaled", parameters: ["scale": 0.5])
  /// ```
  /// Equivalent to registering an initializer with `keras.saving.register_keras_serializable`.
  public static func register(_ name: String, draw: @escaping Draw) throws {
    guard canonicalName(name) == nil || customDraw(name) != nil else {
      throw PlexusError.invalidArgument(
        context: "Initializer.register",
        message: "'\(name)' is a built-in initializer; choose another name")
    }
    custom.withLock { $0[name] = draw }
    registry.register(name) { config in
      var parameters: [String: Double] = [:]
      for key in config.members.keys.sorted() where key != "seed" {
        parameters[key] = try config.double(key)
      }
      let seed = try config.optionalInt("seed")
      try config.finish()
      return try Initializer(name: name, parameters: parameters).seeded(seed)
    }
  }

  /// The draw function of the custom initializer `name`, if one is registered.
  static func customDraw(_ name: String) -> Draw? { custom.withLock { $0[name] } }

  private static let custom = Locked([String: Draw]())
}

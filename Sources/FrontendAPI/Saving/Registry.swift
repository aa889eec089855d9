/// An open table from names to factories that rebuild objects of one kind (layers, losses,
/// optimizers...) from their Keras config. Loading resolves names here and nowhere else, so a
/// config can only ever build registered types: nothing in a file runs as code.
///
/// Built-in classes are registered under their Keras class names; users add their own:
/// ```swift
/// Layer.registry.register("Scale", package: "MyApp") { config in
///   let layer = Scale(factor: try config.double("factor"), name: try config.name())
///   try config.finish()
///   return layer
/// }
/// ```
/// Equivalent to `keras.saving.register_keras_serializable` and the custom-object scope.
public final class Registry<Object>: Sendable {
  /// Rebuilds an object from its config.
  public typealias Factory = @Sendable (ConfigReader) throws -> Object

  /// What the registry holds, in words (`"layer"`); used in error messages.
  public let kind: String
  /// The Swift spelling of the registry, for the how-to-register hint (`"Layer.registry"`).
  public let owner: String
  private let table: Locked<[String: Factory]>
  /// Class name → registered name, for custom classes (what `registered_name` says).
  private let customNames = Locked([String: String]())
  private let builtinNames: Set<String>

  /// Creates a registry with built-in factories.
  public init(kind: String, owner: String, builtins: [String: Factory] = [:]) {
    self.kind = kind
    self.owner = owner
    self.table = Locked(builtins)
    self.builtinNames = Set(builtins.keys)
  }

  /// Registers `factory` under `name`, or under `"package>name"` when a package is given (the
  /// `registered_name` Keras writes for custom objects). A later registration replaces an
  /// earlier one.
  public func register(_ name: String, package: String? = nil, factory: @escaping Factory) {
    let key = package.map { "\($0)>\(name)" } ?? name
    table.withLock { $0[key] = factory }
    customNames.withLock { $0[name] = key }
  }

  /// The `registered_name` written for objects of class `className`: nil for Keras's own
  /// classes, the registered key (`"MyApp>Scale"`) for custom ones.
  public func registeredName(forClass className: String) -> String? {
    if let custom = customNames.withLock({ $0[className] }) { return custom }
    return builtinNames.contains(className) ? nil : className
  }

  /// Removes a registration.
  /// `name` is what was registered: a class name, or the `"package>name"` key.
  public func unregister(_ name: String) {
    _ = table.withLock { $0.removeValue(forKey: name) }
    // Drop the class-name mapping that pointed at this key (or was this name).
    customNames.withLock { names in
      names = names.filter { $0.key != name && $0.value != name }
    }
  }

  /// Every registered name, sorted.
  public var names: [String] { table.withLock { Array($0.keys) }.sorted() }

  /// The factory for `name`, or an error that names it and says how to register it.
  public func factory(for name: String) throws -> Factory {
    if let factory = table.withLock({ $0[name] }) { return factory }
    throw PlexusError.invalidArgument(
      context: "\(owner)",
      message: "unknown \(kind) '\(name)'. Only registered names can be loaded; register it "
        + "first with \(owner).register(\"\(name)\") { config in ... } (known: "
        + names.joined(separator: ", ") + ")")
  }

  /// Rebuilds an object from its serialized form.
  public func make(_ object: SerializedObject) throws -> Object {
    let factory = try factory(for: object.lookupName)
    return try factory(try object.reader())
  }
}

/// One object as `keras.saving.serialize_keras_object` writes it:
/// `{"module", "class_name", "config", "registered_name"}`, plus `build_config` for built
/// layers and `compile_config` for models.
///
/// ```swift
/// let object = SerializedObject(module: "keras.regularizers", className: "L2",
///                               config: ["l2": 0.01])
/// object.value.jsonString()
/// // {"class_name": "L2", "config": {"l2": 0.01}, "module": "keras.regularizers", ...}
/// ```
public struct SerializedObject: Sendable, Hashable {
  /// The Python module (`"keras.layers"`).
  public var module: String
  /// The class name (`"Dense"`); `"function"` for functions.
  public var className: String
  /// The object's own settings (an object, or a function's name).
  public var config: ConfigValue
  /// The name a custom object was registered under (`"package>Name"`), or nil for built-ins.
  public var registeredName: String?
  /// The shapes a layer was built for (`{"input_shape": [null, 3]}`), when Keras writes one.
  public var buildConfig: ConfigValue?
  /// A model's compile settings, when Keras writes them.
  public var compileConfig: ConfigValue?

  /// Creates the record.
  public init(
    module: String, className: String, config: ConfigValue, registeredName: String? = nil,
    buildConfig: ConfigValue? = nil, compileConfig: ConfigValue? = nil
  ) {
    self.module = module
    self.className = className
    self.config = config
    self.registeredName = registeredName
    self.buildConfig = buildConfig
    self.compileConfig = compileConfig
  }

  /// Reads the record from its JSON value; `kind` names what is being read in errors.
  public init(_ value: ConfigValue, kind: String) throws {
    guard let members = value.objectValue else {
      throw PlexusError.invalidArgument(
        context: "\(kind) config",
        message: "expected an object with 'class_name' and 'config', received \(value)")
    }
    guard let className = members["class_name"]?.stringValue else {
      throw PlexusError.invalidArgument(
        context: "\(kind) config", message: "missing the string 'class_name' in \(value)")
    }
    self.className = className
    self.module = members["module"]?.stringValue ?? ""
    self.config = members["config"] ?? .object([:])
    self.registeredName = members["registered_name"]?.stringValue
    self.buildConfig = members["build_config"]
    self.compileConfig = members["compile_config"]
  }

  /// The JSON value, `registered_name` written as `null` for built-ins as Keras does.
  public var value: ConfigValue {
    var members: [String: ConfigValue] = [
      "module": .string(module), "class_name": .string(className), "config": config,
      "registered_name": registeredName.map(ConfigValue.string) ?? .null,
    ]
    if let buildConfig { members["build_config"] = buildConfig }
    if let compileConfig { members["compile_config"] = compileConfig }
    return .object(members)
  }

  /// The name a registry looks up: the registered name of a custom object, else the class
  /// name (for functions, whose class name is `"function"`, the config holds the name).
  public var lookupName: String {
    if className == "function", let name = config.stringValue { return name }
    if let registeredName, registeredName != className { return registeredName }
    return className
  }

  /// The config members, read through a ``ConfigReader``.
  public func reader() throws -> ConfigReader {
    guard let members = config.objectValue else {
      throw PlexusError.invalidArgument(
        context: "\(className) config", message: "'config' must be an object, received \(config)")
    }
    return ConfigReader(className: className, members: members)
  }
}

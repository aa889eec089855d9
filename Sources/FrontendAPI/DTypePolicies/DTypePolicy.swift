/// The dtype policy a layer's config names under `dtype`: the dtype of its variables and of
/// its computation. Plexus layers compute in float32, so float32 is the policy they write and
/// the only one they load.
///
/// Keras writes it as `{"module": "keras", "class_name": "DTypePolicy", "config": {"name":
/// "float32"}, "registered_name": null}`. Equivalent to `keras.DTypePolicy`.
public struct DTypePolicy: Sendable, Hashable {
  /// The policy name (`"float32"`, `"mixed_float16"`).
  public let name: String

  /// A policy by name.
  public init(name: String) { self.name = name }

  /// Float32 variables and computation: the policy of every Plexus layer.
  public static let float32 = DTypePolicy(name: "float32")

  /// The policy as Keras serializes it.
  public var value: ConfigValue {
    SerializedObject(module: "keras", className: "DTypePolicy", config: ["name": .string(name)])
      .value
  }

  /// Reads a policy as Keras writes it: the serialized object, a bare name, or `null` (the
  /// global default, float32).
  public init(_ value: ConfigValue) throws {
    if value.isNull {
      self = .float32
    } else if let name = value.stringValue {
      self.init(name: name)
    } else {
      let object = try SerializedObject(value, kind: "DTypePolicy")
      guard object.className == "DTypePolicy" || object.className == "FloatDTypePolicy",
        let name = object.config["name"]?.stringValue
      else {
        throw PlexusError.invalidArgument(
          context: "DTypePolicy",
          message: "expected a DTypePolicy with a 'name', received \(value)")
      }
      self.init(name: name)
    }
  }

  /// Throws unless this is the float32 policy, naming `layer` in the message.
  public func requireFloat32(layer: String) throws {
    guard self == .float32 else {
      throw PlexusError.invalidArgument(
        context: "\(layer) config",
        message: "dtype policy '\(name)' is not supported; Plexus layers compute in float32")
    }
  }
}

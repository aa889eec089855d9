/// Reads the `config` object of one serialized object, with errors that name the object and
/// the key, and remembers which keys were read so that ``finish()`` can reject the rest: a key
/// Plexus does not understand is an error, never silently dropped.
///
/// ```swift
/// Layer.registry.register("Scale") { config in
///   let layer = Scale(factor: try config.double("factor"), name: try config.name())
///   try config.finish()
///   return layer
/// }
/// ```
public final class ConfigReader {
  /// The class name the config belongs to (for messages).
  public let className: String
  /// The raw members.
  public let members: [String: ConfigValue]
  private var read: Set<String> = []

  /// Wraps the members of a config object.
  public init(className: String, members: [String: ConfigValue]) {
    self.className = className
    self.members = members
  }

  private var context: String { "\(className) config" }

  /// The raw value of `key` (nil when absent), marked as read.
  public func value(_ key: String) -> ConfigValue? {
    read.insert(key)
    return members[key]
  }

  /// Whether `key` is present.
  public func contains(_ key: String) -> Bool { members[key] != nil }

  /// A required integer.
  public func int(_ key: String) throws -> Int {
    guard let value = value(key)?.intValue else { throw mismatch(key, "an integer") }
    return value
  }

  /// An integer, or `fallback` when the key is absent; `null` gives nil.
  public func optionalInt(_ key: String, default fallback: Int? = nil) throws -> Int? {
    guard let raw = value(key) else { return fallback }
    if raw.isNull { return nil }
    guard let value = raw.intValue else { throw mismatch(key, "an integer or null") }
    return value
  }

  /// A number, or `fallback` when the key is absent.
  public func double(_ key: String, default fallback: Double? = nil) throws -> Double {
    guard let raw = value(key) else {
      if let fallback { return fallback }
      throw mismatch(key, "a number")
    }
    guard let value = raw.doubleValue else { throw mismatch(key, "a number") }
    return value
  }

  /// A number or `null` (nil), or nil when absent.
  public func optionalDouble(_ key: String) throws -> Double? {
    guard let raw = value(key), !raw.isNull else { return nil }
    guard let value = raw.doubleValue else { throw mismatch(key, "a number or null") }
    return value
  }

  /// A boolean, or `fallback` when the key is absent.
  public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
    guard let raw = value(key) else {
      if let fallback { return fallback }
      throw mismatch(key, "true or false")
    }
    guard let value = raw.boolValue else { throw mismatch(key, "true or false") }
    return value
  }

  /// A string, or `fallback` when the key is absent.
  public func string(_ key: String, default fallback: String? = nil) throws -> String {
    guard let raw = value(key) else {
      if let fallback { return fallback }
      throw mismatch(key, "a string")
    }
    guard let value = raw.stringValue else { throw mismatch(key, "a string") }
    return value
  }

  /// The `name` entry, or nil when absent or null.
  public func name() throws -> String? {
    guard let raw = value("name"), !raw.isNull else { return nil }
    guard let value = raw.stringValue else { throw mismatch("name", "a string") }
    return value
  }

  /// Requires `key` to be absent or equal to `expected` (Keras's default): a setting Plexus
  /// cannot honour is refused rather than ignored.
  public func requireDefault(_ key: String, _ expected: ConfigValue, reason: String) throws {
    guard let raw = value(key), raw != expected else { return }
    throw PlexusError.invalidArgument(
      context: context,
      message: "'\(key)' must be \(expected) (\(reason)); received \(raw)")
  }

  /// Throws when the config holds a key nothing read.
  public func finish() throws {
    let unknown = Set(members.keys).subtracting(read).sorted()
    guard unknown.isEmpty else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "unknown keys \(unknown.map { "'\($0)'" }.joined(separator: ", ")); "
          + "known keys: \(read.sorted().joined(separator: ", "))")
    }
  }

  /// An error saying `key` should have held `expected`.
  public func mismatch(_ key: String, _ expected: String) -> PlexusError {
    PlexusError.invalidArgument(
      context: context,
      message: "'\(key)' must be \(expected); received \(members[key].map { "\($0)" } ?? "nothing")"
    )
  }
}

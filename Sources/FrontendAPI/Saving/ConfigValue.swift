/// A JSON value in a layer's or model's configuration, as Keras's `get_config()` returns it.
///
/// Read and write JSON with ``init(json:)`` and ``jsonString(pretty:)``, which keep integers
/// and floats apart (`1` and `1.0`) as Keras's configs need. The `Codable` conformance goes
/// through Foundation's `JSONDecoder`, which reads `1.0` as the integer 1; use it for values
/// Plexus wrote itself, not for Keras's files. Equality compares objects regardless of key
/// order, and `.int(1) != .double(1)`.
public enum ConfigValue: Sendable, Hashable, Codable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([ConfigValue])
  case object([String: ConfigValue])

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([ConfigValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: ConfigValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// The integer, or nil.
  public var intValue: Int? {
    switch self {
    case .int(let value): value
    case .double(let value): Int(exactly: value)
    default: nil
    }
  }

  /// The number, or nil.
  public var doubleValue: Double? {
    switch self {
    case .int(let value): Double(value)
    case .double(let value): value
    default: nil
    }
  }

  /// The string, or nil.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The boolean, or nil.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The array, or nil.
  public var arrayValue: [ConfigValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// A shape as an array of integers (`null` entries become -1, Keras's `None`); nil when an
  /// entry is neither an integer nor `null`.
  public var shapeValue: [Int]? {
    guard let entries = arrayValue else { return nil }
    var dims: [Int] = []
    dims.reserveCapacity(entries.count)
    for entry in entries {
      if case .null = entry {
        dims.append(-1)
      } else if let size = entry.intValue {
        dims.append(size)
      } else {
        return nil
      }
    }
    return dims
  }

  /// An array of shape entries, `None` for -1.
  public static func shape(_ dims: [Int]) -> ConfigValue {
    .array(dims.map { $0 < 0 ? .null : .int($0) })
  }

  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let value): "\(value)"
    case .int(let value): "\(value)"
    case .double(let value): "\(value)"
    case .string(let value): "\"\(value)\""
    case .array(let value): "[" + value.map(\.description).joined(separator: ", ") + "]"
    case .object(let value):
      "{"
        + value.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
        .joined(separator: ", ") + "}"
    }
  }
}

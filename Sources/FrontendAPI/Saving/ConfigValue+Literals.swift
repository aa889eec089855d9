extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  /// A string.
  public init(stringLiteral value: String) { self = .string(value) }
  /// An integer.
  public init(integerLiteral value: Int) { self = .int(value) }
  /// A float.
  public init(floatLiteral value: Double) { self = .double(value) }
  /// A boolean.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  /// An array.
  public init(arrayLiteral elements: ConfigValue...) { self = .array(elements) }
  /// An object; a repeated key keeps its last value.
  public init(dictionaryLiteral elements: (String, ConfigValue)...) {
    self = .object(Dictionary(elements) { $1 })
  }
}

extension ConfigValue {
  /// The members of an object, or nil.
  public var objectValue: [String: ConfigValue]? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// Whether the value is `null`.
  public var isNull: Bool { self == .null }

  /// The member `key` of an object (nil for anything else or a missing key).
  public subscript(key: String) -> ConfigValue? { objectValue?[key] }

  /// `value`, or `null` when it is nil.
  public static func optional(_ value: Double?) -> ConfigValue {
    value.map(ConfigValue.double) ?? .null
  }

  /// `value`, or `null` when it is nil.
  public static func optional(_ value: Int?) -> ConfigValue { value.map(ConfigValue.int) ?? .null }

  /// `value`, or `null` when it is nil.
  public static func optional(_ value: ConfigValue?) -> ConfigValue { value ?? .null }

  /// A float as Keras writes a hyper-parameter held in a float32 variable (a learning rate
  /// of 0.01 reads back as 0.009999999776482582).
  public static func float32(_ value: Double) -> ConfigValue { .double(Double(Float(value))) }
}

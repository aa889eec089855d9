/// The element type of a tensor.
///
/// Raw values are part of the C ABI and the plugin ABI: they are only ever appended.
public enum DType: Int32, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  case float32 = 0
  case float64 = 1
  case int32 = 2
  case int64 = 3
  case uint8 = 4
  case bool = 5
  /// Reserved for mixed precision on backends that support it.
  case bfloat16 = 6

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .float32, .int32: 4
    case .float64, .int64: 8
    case .uint8, .bool: 1
    case .bfloat16: 2
    }
  }

  /// True for the floating-point types, the ones gradients flow through.
  public var isFloatingPoint: Bool {
    switch self {
    case .float32, .float64, .bfloat16: true
    case .int32, .int64, .uint8, .bool: false
    }
  }

  /// True for the integer types (not `bool`).
  public var isInteger: Bool {
    switch self {
    case .int32, .int64, .uint8: true
    case .float32, .float64, .bfloat16, .bool: false
    }
  }

  /// The Keras / NumPy spelling (`"float32"`, `"int64"`, ...).
  public var description: String {
    switch self {
    case .float32: "float32"
    case .float64: "float64"
    case .int32: "int32"
    case .int64: "int64"
    case .uint8: "uint8"
    case .bool: "bool"
    case .bfloat16: "bfloat16"
    }
  }

  /// Parses the Keras / NumPy spelling.
  public init?(name: String) {
    guard let match = DType.allCases.first(where: { $0.description == name }) else { return nil }
    self = match
  }
}

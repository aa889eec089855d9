/// The value of one op attribute. The cases are the types the plugin ABI carries: a 64-bit
/// integer, a list of them, a double, a boolean and a dtype.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
  case int(Int)
  case ints([Int])
  case double(Double)
  case bool(Bool)
  case dtype(DType)

  public var description: String {
    switch self {
    case .int(let value): "\(value)"
    case .ints(let values): "[\(values.map(String.init).joined(separator: ", "))]"
    case .double(let value): "\(value)"
    case .bool(let value): "\(value)"
    case .dtype(let value): "\(value)"
    }
  }
}

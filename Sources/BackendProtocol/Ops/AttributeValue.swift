/// The value of one op attribute. The cases are the types the plugin ABI carries: a 64-bit
/// integer, a list of them, a double, a boolean and a dtype.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
  /// A 64-bit integer (an axis, a depth, a seed).
  case int(Int)
  /// A list of integers (axes, a permutation, starts, padding).
  case ints([Int])
  /// A real number (a fill value, a hyper-parameter).
  case double(Double)
  /// A flag (transpose, Nesterov).
  case bool(Bool)
  /// An element type (a cast's target).
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

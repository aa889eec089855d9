/// The types of handle the C ABI hands out; the low bits of every handle token.
enum HandleKind: UInt, Sendable, CustomStringConvertible {
  case tensor = 1
  case layer = 2
  case model = 3
  case logs = 4
  case metric = 5

  /// The C type's name, for messages.
  var description: String {
    switch self {
    case .tensor: "px_tensor"
    case .layer: "px_layer"
    case .model: "px_model"
    case .logs: "px_logs"
    case .metric: "px_metric"
    }
  }
}

/// Every error Plexus throws. Messages name the layer or op, what was expected and what was
/// received, and where it helps, what to do.
public enum PlexusError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A shape did not fit: `context` names the layer, loss or op.
  case shapeMismatch(context: String, expected: String, received: String)
  /// A dtype did not fit: `context` names the layer, loss or op.
  case dtypeMismatch(context: String, expected: String, received: String)
  /// An argument is out of its valid range.
  case invalidArgument(context: String, message: String)
  /// No registered backend has this name.
  case unknownBackend(name: String, available: [String])
  /// Strict mode is on and the op would have fallen back to the reference backend.
  case fallbackInStrictMode(op: String, dtype: DType, backend: String)
  /// No backend, the reference included, implements this op for this dtype.
  case unsupported(op: String, dtype: DType, backend: String)
  /// A file, data set or library (a plugin) could not be found, read or used.
  case resourceUnavailable(String)
  /// An allocation failed, or would exceed the machine's memory.
  case outOfMemory(String)
  /// A state the call requires is not there (for example `fit` before `compile`).
  case invalidState(context: String, message: String)
  /// An index read from a tensor lies outside `0..<size` (`gather`, `one_hot`, labels).
  case indexOutOfRange(context: String, index: Int, size: Int)
  /// A backend (a plugin, say) failed while running an op it had accepted; its outputs were
  /// discarded.
  case backendFailure(backend: String, op: String, message: String)

  public var description: String {
    switch self {
    case .shapeMismatch(let context, let expected, let received):
      "\(context): expected shape \(expected), received \(received)"
    case .dtypeMismatch(let context, let expected, let received):
      "\(context): expected dtype \(expected), received \(received)"
    case .invalidArgument(let context, let message):
      "\(context): \(message)"
    case .unknownBackend(let name, let available):
      "unknown backend '\(name)'; registered backends: \(available.joined(separator: ", "))"
    case .fallbackInStrictMode(let op, let dtype, let backend):
      "strict dispatch: backend '\(backend)' does not support \(op) for \(dtype), "
        + "and strict mode forbids falling back to the reference backend"
    case .unsupported(let op, let dtype, let backend):
      "\(op) is not implemented for \(dtype) (asked of backend '\(backend)')"
    case .resourceUnavailable(let message), .outOfMemory(let message):
      message
    case .invalidState(let context, let message):
      "\(context): \(message)"
    case .indexOutOfRange(let context, let index, let size):
      "\(context): index \(index) is out of range [0, \(size))"
    case .backendFailure(let backend, let op, let message):
      "backend '\(backend)' failed running \(op): \(message)"
    }
  }
}

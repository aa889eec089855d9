import BackendProtocol
import CPlexusSupport

/// Runs the body of an exported function so that no Swift error crosses into C: clears this
/// thread's last error, and turns a thrown error into a status code plus the last-error text,
/// prefixed with the function's C name when the text does not already start with it.
///
/// The body must check every argument before using it; a Swift trap here would kill the caller's
/// process, which a status code cannot undo.
func guarded(_ function: String = "", _ body: () throws -> Void) -> px_status {
  px_support_set_last_error(nil)
  do {
    try body()
    // A call made from a progress callback inside the body may have failed and set it.
    px_support_set_last_error(nil)
    return PX_STATUS_OK
  } catch {
    var message = String(describing: error)
    if !function.isEmpty, !message.hasPrefix(function) {
      message = "\(function): \(message)"
    }
    message.withCString { px_support_set_last_error($0) }
    return status(for: error)
  }
}

/// A progress callback asked to stop (it returned non-zero).
struct CancelledByCallback: Error, CustomStringConvertible {
  /// The callback's event, for the message.
  let event: String

  var description: String {
    "the progress callback returned non-zero at \(event): training stopped, as asked"
  }
}

/// A caller's dataset function failed (returned non-zero, or wrote what is not a tensor).
struct DatasetFunctionFailed: Error, CustomStringConvertible {
  let message: String

  var description: String { message }
}

/// The status code a thrown error maps to. Codes are only ever appended, so an error without a
/// code of its own maps to the nearest existing one.
private func status(for error: any Error) -> px_status {
  switch error {
  case PlexusError.invalidArgument, PlexusError.shapeMismatch, PlexusError.dtypeMismatch,
    PlexusError.indexOutOfRange, PlexusError.unknownBackend:
    PX_STATUS_INVALID_ARGUMENT
  case PlexusError.invalidState:
    PX_STATUS_INVALID_STATE
  case PlexusError.unsupported, PlexusError.fallbackInStrictMode:
    PX_STATUS_UNSUPPORTED
  case PlexusError.outOfMemory:
    PX_STATUS_OUT_OF_MEMORY
  case PlexusError.resourceUnavailable:
    PX_STATUS_IO
  case is CancelledByCallback, is DatasetFunctionFailed:
    PX_STATUS_CANCELLED
  default:
    PX_STATUS_INTERNAL
  }
}

/// The error an exported function throws for a bad argument; `function` is its C name.
func invalidArgument(_ function: String, _ message: String) -> PlexusError {
  .invalidArgument(context: function, message: message)
}

import BackendProtocol
import CPlexusSupport

/// Runs the body of an exported function so that no Swift error crosses into C: clears this
/// thread's last error, and turns a thrown error into a status code plus the last-error text.
///
/// The body must check every argument before using it; a Swift trap here would kill the caller's
/// process, which a status code cannot undo.
func guarded(_ body: () throws -> Void) -> px_status {
  px_support_set_last_error(nil)
  do {
    try body()
    return PX_STATUS_OK
  } catch {
    String(describing: error).withCString { px_support_set_last_error($0) }
    return status(for: error)
  }
}

/// The status code a thrown error maps to. Codes are only ever appended, so an error without a
/// code of its own maps to the nearest existing one.
private func status(for error: any Error) -> px_status {
  switch error {
  case PlexusError.invalidArgument, PlexusError.shapeMismatch, PlexusError.dtypeMismatch,
    PlexusError.indexOutOfRange,
    PlexusError.unknownBackend:
    PX_STATUS_INVALID_ARGUMENT
  default:
    PX_STATUS_INTERNAL
  }
}

/// The error an exported function throws for a bad argument; `function` is its C name.
func invalidArgument(_ function: String, _ message: String) -> PlexusError {
  .invalidArgument(context: function, message: message)
}

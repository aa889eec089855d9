import BackendProtocol
import CDNNL

/// The process's one oneDNN CPU engine and its stream, created on first use.
///
/// A CPU stream on oneDNN's OpenMP runtime runs each primitive to completion on the calling
/// thread (and its OpenMP team), so one stream serves every thread. Debian's oneDNN is not built
/// with `DNNL_ENABLE_CONCURRENT_EXEC`: concurrent runs are safe here only because every run
/// brings its own user-managed scratchpad (see `Primitive`), which the concurrency tests check.
final class Engine: @unchecked Sendable {
  // Handles that never change after `init`; oneDNN keeps them thread-safe.
  let engine: dnnl_engine_t
  let stream: dnnl_stream_t

  /// The shared engine, or the error that creating it gave (thrown again by every op).
  static let shared: Result<Engine, any Error> = Result { try Engine() }

  private init() throws {
    var engine: dnnl_engine_t?
    try check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine", "dnnl_engine_create")
    guard let engine else { throw missingHandle("engine", "dnnl_engine_create") }
    var stream: dnnl_stream_t?
    let status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)
    guard status == dnnl_success, let stream else {
      dnnl_engine_destroy(engine)
      try check(status, "engine", "dnnl_stream_create")
      throw missingHandle("engine", "dnnl_stream_create")
    }
    self.engine = engine
    self.stream = stream
  }

  deinit {
    dnnl_stream_destroy(stream)
    dnnl_engine_destroy(engine)
  }
}

/// Throws unless `status` is `dnnl_success`: `dnnl_unimplemented` as ``UnsupportedOp`` (oneDNN
/// has no kernel for this case, so the dispatcher falls back to the reference backend), any
/// other status as a ``PlexusError`` naming `context` (the op) and the oneDNN call.
func check(_ status: dnnl_status_t, _ op: OpCode, _ call: StaticString) throws {
  guard status != dnnl_success else { return }
  if status == dnnl_unimplemented { throw UnsupportedOp(op) }
  throw failure(status, "\(op)", call)
}

/// ``check(_:_:_:)`` for calls that belong to no op (the engine's creation).
func check(_ status: dnnl_status_t, _ context: String, _ call: StaticString) throws {
  guard status != dnnl_success else { return }
  throw failure(status, context, call)
}

private func failure(_ status: dnnl_status_t, _ context: String, _ call: StaticString)
  -> PlexusError
{
  let name = dnnl_status2str(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
  return .invalidState(
    context: "\(context) on onednn", message: "oneDNN's \(call) failed (\(name))")
}

/// The error for a oneDNN call that reported success but returned no handle.
func missingHandle(_ context: String, _ call: StaticString) -> PlexusError {
  .invalidState(context: "\(context) on onednn", message: "oneDNN's \(call) returned no handle")
}

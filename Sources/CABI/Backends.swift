import BackendProtocol
import CPlexusSupport
import Plexus

/// `px_backend_count`: writes the number of registered backends to `*outCount`.
@c(px_backend_count)
public func pxBackendCount(_ outCount: UnsafeMutablePointer<Int>?) -> px_status {
  guarded("px_backend_count") {
    let out = try required(outCount, "out_count", in: "px_backend_count")
    out.pointee = Config.availableBackends.count
  }
}

/// `px_backend_name`: writes the name of backend `index` into `buffer` (string-out rule of the
/// ABI: `*needed` receives the size including the NUL, even when `capacity` is too small).
@c(px_backend_name)
public func pxBackendName(
  _ index: Int, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  guarded("px_backend_name") {
    // size_t arrives as Int; read it back as unsigned so a huge value is not taken as negative.
    let index = UInt(bitPattern: index)
    let names = Config.availableBackends
    guard index < UInt(names.count) else {
      throw invalidArgument(
        "px_backend_name", "index \(index) is out of range; \(names.count) backends are registered")
    }
    try writeString(names[Int(index)], buffer, capacity, needed, in: "px_backend_name")
  }
}

/// `px_backend_load`: loads a backend plugin and registers it (`Plugins.load(path:as:)`).
@c(px_backend_load)
public func pxBackendLoad(_ path: UnsafePointer<CChar>?, _ name: UnsafePointer<CChar>?)
  -> px_status
{
  let function = "px_backend_load"
  return guarded(function) {
    let path = try string(path, "path", in: function)
    let name = try name.map { try string($0, "name", in: function) }
    try Plugins.load(path: path, as: name)
  }
}

/// `px_backend_load_failure`: why the plugin backend `name` failed to load.
@c(px_backend_load_failure)
public func pxBackendLoadFailure(
  _ name: UnsafePointer<CChar>?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_backend_load_failure"
  return guarded(function) {
    let name = try string(name, "name", in: function)
    guard let reason = Plugins.loadFailures[name] else {
      throw invalidArgument(function, "no load of a backend named '\(name)' failed")
    }
    try writeString(reason, buffer, capacity, needed, in: function)
  }
}

/// `px_dispatch_count`: how many ops a backend ran, and how many fell back from it.
@c(px_dispatch_count)
public func pxDispatchCount(
  _ backend: UnsafePointer<CChar>?, _ op: UnsafePointer<CChar>?,
  _ outDispatches: UnsafeMutablePointer<Int64>?, _ outFallbacks: UnsafeMutablePointer<Int64>?
) -> px_status {
  let function = "px_dispatch_count"
  return guarded(function) {
    let backend = try string(backend, "backend", in: function)
    let out = try required(outDispatches, "out_dispatches", in: function)
    guard Config.availableBackends.contains(backend) else {
      throw PlexusError.unknownBackend(name: backend, available: Config.availableBackends)
    }
    var code: OpCode?
    if let op {
      let name = try string(op, "op", in: function)
      guard let known = OpCode(name: name) else {
        throw invalidArgument(function, "'\(name)' is not an op name (`plexus ops` lists them)")
      }
      code = known
    }
    let statistics = Dispatcher.statistics()
    out.pointee = Int64(statistics.dispatchCount(backend: backend, op: code))
    outFallbacks?.pointee = Int64(statistics.fallbackCount(backend: backend, op: code))
  }
}

/// `px_dispatch_reset`: sets every dispatch and fallback count to zero.
@c(px_dispatch_reset)
public func pxDispatchReset() -> px_status {
  guarded("px_dispatch_reset") { Dispatcher.resetStatistics() }
}

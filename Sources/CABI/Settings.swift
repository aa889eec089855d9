import BackendProtocol
import CPlexusSupport
import Glibc
import Plexus

// The process-wide settings every call runs under (Keras's `keras.config`).

/// `px_config_set_backend`: selects the default backend by name.
@c(px_config_set_backend)
public func pxConfigSetBackend(_ name: UnsafePointer<CChar>?) -> px_status {
  guarded("px_config_set_backend") {
    try Config.setBackend(try string(name, "name", in: "px_config_set_backend"))
  }
}

/// `px_config_backend`: writes the default backend's name.
@c(px_config_backend)
public func pxConfigBackend(
  _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  guarded("px_config_backend") {
    try writeString(Config.backend, buffer, capacity, needed, in: "px_config_backend")
  }
}

/// `px_config_set_threads`: the thread count of every backend; 0 is one per core.
@c(px_config_set_threads)
public func pxConfigSetThreads(_ threads: Int64) -> px_status {
  guarded("px_config_set_threads") {
    guard (0...1024).contains(threads) else {
      throw invalidArgument(
        "px_config_set_threads", "threads is \(threads); expected 0 (one per core) to 1024")
    }
    try Config.setThreads(threads == 0 ? coreCount() : Int(threads))
  }
}

/// `px_config_threads`: the thread count the backends use.
@c(px_config_threads)
public func pxConfigThreads(_ outThreads: UnsafeMutablePointer<Int64>?) -> px_status {
  guarded("px_config_threads") {
    let out = try required(outThreads, "out_threads", in: "px_config_threads")
    let set = Config.threads
    out.pointee = Int64(set > 0 ? set : coreCount())
  }
}

/// `px_config_set_dtype_policy`: the dtype policy of layers made from now on.
@c(px_config_set_dtype_policy)
public func pxConfigSetDTypePolicy(_ name: UnsafePointer<CChar>?) -> px_status {
  guarded("px_config_set_dtype_policy") {
    let name = try string(name, "name", in: "px_config_set_dtype_policy")
    try Config.setDTypePolicy(DTypePolicy(name: name))
  }
}

/// `px_config_dtype_policy`: writes the process's dtype policy.
@c(px_config_dtype_policy)
public func pxConfigDTypePolicy(
  _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  guarded("px_config_dtype_policy") {
    try writeString(
      Config.dtypePolicy.name, buffer, capacity, needed, in: "px_config_dtype_policy")
  }
}

/// `px_config_set_seed`: seeds the global random generator.
@c(px_config_set_seed)
public func pxConfigSetSeed(_ seed: UInt64) -> px_status {
  guarded("px_config_set_seed") { setRandomSeed(seed) }
}

/// `px_config_set_strict_dispatch`: strict dispatch on (non-zero) or off.
@c(px_config_set_strict_dispatch)
public func pxConfigSetStrictDispatch(_ strict: Int32) -> px_status {
  guarded("px_config_set_strict_dispatch") {
    Config.setStrictDispatch(strict != 0)
  }
}

/// `px_config_strict_dispatch`: 1 when strict dispatch is on.
@c(px_config_strict_dispatch)
public func pxConfigStrictDispatch(_ outStrict: UnsafeMutablePointer<Int32>?) -> px_status {
  guarded("px_config_strict_dispatch") {
    let out = try required(outStrict, "out_strict", in: "px_config_strict_dispatch")
    out.pointee = Config.strictDispatch ? 1 : 0
  }
}

/// The cores this process may run on.
private func coreCount() -> Int {
  Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

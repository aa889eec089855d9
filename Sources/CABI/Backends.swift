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

import BackendProtocol
import CPlexusSupport
import Plexus

/// `px_backend_count`: writes the number of registered backends to `*outCount`.
@c(px_backend_count)
public func pxBackendCount(_ outCount: UnsafeMutablePointer<Int>?) -> px_status {
  guarded {
    guard let outCount else { throw invalidArgument("px_backend_count", "out_count is NULL") }
    outCount.pointee = Config.availableBackends.count
  }
}

/// `px_backend_name`: writes the name of backend `index` into `buffer` (string-out rule of the
/// ABI: `*needed` receives the size including the NUL, even when `capacity` is too small).
@c(px_backend_name)
public func pxBackendName(
  _ index: Int, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  guarded {
    // size_t arrives as Int; read it back as unsigned so a huge value is not taken as negative.
    let index = UInt(bitPattern: index)
    let capacity = UInt(bitPattern: capacity)
    let names = Config.availableBackends
    guard index < UInt(names.count) else {
      throw invalidArgument(
        "px_backend_name", "index \(index) is out of range; \(names.count) backends are registered")
    }
    let name = Array(names[Int(index)].utf8CString)
    needed?.pointee = name.count
    if buffer == nil && capacity == 0 { return }
    guard let buffer else {
      throw invalidArgument("px_backend_name", "buffer is NULL but capacity is \(capacity)")
    }
    guard capacity >= UInt(name.count) else {
      throw invalidArgument(
        "px_backend_name",
        "capacity \(capacity) is smaller than the \(name.count) bytes the name needs")
    }
    for (offset, byte) in name.enumerated() { buffer[offset] = byte }
  }
}

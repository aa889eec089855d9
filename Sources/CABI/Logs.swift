import BackendProtocol
import CPlexusSupport
import Plexus

/// `px_logs_count`: the number of names.
@c(px_logs_count)
public func pxLogsCount(_ logs: OpaquePointer?, _ outCount: UnsafeMutablePointer<Int>?)
  -> px_status
{
  guarded("px_logs_count") {
    let box = try LogsHandle.box(logs, in: "px_logs_count")
    try required(outCount, "out_count", in: "px_logs_count").pointee = box.entries.count
  }
}

/// The entry at a `size_t` index.
private func entry(_ box: LogsHandle, _ index: Int, in function: String) throws -> (
  name: String, values: [Double]
) {
  let index = UInt(bitPattern: index)
  guard index < UInt(box.entries.count) else {
    throw invalidArgument(
      function, "index \(index) is out of range; the logs hold \(box.entries.count) names")
  }
  return box.entries[Int(index)]
}

/// `px_logs_name`: the name of entry `index`.
@c(px_logs_name)
public func pxLogsName(
  _ logs: OpaquePointer?, _ index: Int, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_logs_name"
  return guarded(function) {
    let box = try LogsHandle.box(logs, in: function)
    try writeString(
      try entry(box, index, in: function).name, buffer, capacity, needed, in: function)
  }
}

/// `px_logs_values`: the values of entry `index`.
@c(px_logs_values)
public func pxLogsValues(
  _ logs: OpaquePointer?, _ index: Int, _ values: UnsafeMutablePointer<Double>?, _ capacity: Int,
  _ outCount: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_logs_values"
  return guarded(function) {
    let box = try LogsHandle.box(logs, in: function)
    let list = try entry(box, index, in: function).values
    try writeValues(
      list, values, capacity, outCount, what: "values of the entry", in: function)
  }
}

/// `px_logs_get`: the last value under `name`.
@c(px_logs_get)
public func pxLogsGet(
  _ logs: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ outValue: UnsafeMutablePointer<Double>?
) -> px_status {
  let function = "px_logs_get"
  return guarded(function) {
    let box = try LogsHandle.box(logs, in: function)
    let key = try string(name, "name", in: function)
    let out = try required(outValue, "out_value", in: function)
    guard let found = box.entries.first(where: { $0.name == key }) else {
      throw invalidArgument(
        function,
        "no entry '\(key)'; the logs hold " + box.entries.map(\.name).joined(separator: ", "))
    }
    guard let last = found.values.last else {
      throw PlexusError.invalidState(context: function, message: "entry '\(key)' has no values")
    }
    out.pointee = last
  }
}

/// `px_logs_release`.
@c(px_logs_release)
public func pxLogsRelease(_ logs: OpaquePointer?) {
  HandleTable.shared.release(logs, kind: .logs)
}

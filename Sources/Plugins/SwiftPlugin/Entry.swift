import CPlexusPlugin

#if canImport(Glibc)
  import Glibc
#endif

/// The plugin's one exported symbol, `px_plugin_entry` (`include/plexus_plugin.h`): checks that
/// the host speaks this plugin's major version of the ABI, keeps the host's services and returns
/// the plugin's function table, or sets the reason and returns NULL to decline loading.
@c(px_plugin_entry)
public func pxPluginEntry(_ hostABIVersion: UInt32, _ host: UnsafePointer<px_plugin_host>?)
  -> UnsafePointer<px_plugin_table>?
{
  guard let host else { return nil }
  let hostMajor = hostABIVersion >> 16
  let hostMinor = hostABIVersion & 0xFFFF
  guard hostMajor == UInt32(PX_PLUGIN_ABI_VERSION_MAJOR) else {
    guard Host.covers(host, \.set_error) else { return nil }
    Host.setError(
      "the swift plugin was built for plugin ABI \(PX_PLUGIN_ABI_VERSION_MAJOR)."
        + "\(PX_PLUGIN_ABI_VERSION_MINOR), but the host implements \(hostMajor).\(hostMinor); "
        + "rebuild it against the host's plexus_plugin.h",
      through: host)
    return nil
  }
  // Every member this plugin calls is one of version 1.0's.
  let size = Int(UnsafeRawPointer(host).load(as: UInt32.self))
  guard size >= MemoryLayout<px_plugin_host>.size else {
    if Host.covers(host, \.set_error) {
      Host.setError(
        "the swift plugin expected host services of at least "
          + "\(MemoryLayout<px_plugin_host>.size) bytes, received \(size)",
        through: host)
    }
    return nil
  }
  Host.services = host
  return pluginTable
}

/// The function table: allocated and filled once (a global's initialiser runs exactly once,
/// thread-safely), never freed, only read afterwards.
nonisolated(unsafe) private let pluginTable: UnsafePointer<px_plugin_table> = {
  var table = px_plugin_table()
  table.struct_size = UInt32(MemoryLayout<px_plugin_table>.size)
  table.abi_major = UInt32(PX_PLUGIN_ABI_VERSION_MAJOR)
  table.abi_minor = UInt32(PX_PLUGIN_ABI_VERSION_MINOR)
  table.name = staticCString("swift")
  table.version = staticCString("1.0.0")
  table.create = createContext
  table.destroy = destroyContext
  table.supports = supports
  table.execute = execute
  table.supports_op = supportsRecord
  // No threads of its own, so no thread count to apply; host memory, so no memory members.
  table.set_thread_count = nil
  table.device_type = 0
  let storage = UnsafeMutablePointer<px_plugin_table>.allocate(capacity: 1)
  storage.initialize(to: table)
  return UnsafePointer(storage)
}()

/// A string literal as a NUL-terminated C string with static storage. The literal must be more
/// than one character: a single one may be stored as a scalar, without a pointer.
private func staticCString(_ text: StaticString) -> UnsafePointer<CChar> {
  UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// `create`: the plugin keeps no state, so its context is a one-byte marker, allocated here and
/// freed by `destroy`, only to satisfy the ABI's non-NULL context.
private func createContext(_ context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 {
  guard let context else {
    Host.setError("create: expected a place for the context, received NULL")
    return PX_PLUGIN_ERROR
  }
  guard let marker = malloc(1) else {
    Host.setError("create: no memory for a one-byte context")
    return PX_PLUGIN_ERROR
  }
  context.pointee = marker
  return PX_PLUGIN_OK
}

/// `destroy`: frees what `create` allocated.
private func destroyContext(_ context: UnsafeMutableRawPointer?) {
  free(context)
}

/// `supports`: non-zero for the ops this plugin implements, in float32 and float64.
private func supports(_ context: UnsafeMutableRawPointer?, _ op: UInt32, _ dtype: Int32) -> Int32 {
  PluginOp(id: op) != nil && ElementType(code: dtype) != nil ? 1 : 0
}

/// `supports_op`: declines the records of a supported op that this plugin leaves to the
/// reference backend (batched matmul). The data pointers may be NULL here and are not read.
private func supportsRecord(
  _ context: UnsafeMutableRawPointer?, _ record: UnsafePointer<px_plugin_op>?
) -> Int32 {
  guard let record, let op = PluginOp(id: record.pointee.op) else { return 0 }
  // A record too malformed to read is accepted: execute then says what is wrong with it.
  guard let view = try? OpRecordView(record, name: op.name) else { return 1 }
  return op.accepts(view) ? 1 : 0
}

/// `execute`: checks the record and runs it. An op this plugin does not implement, or a record
/// it leaves to the reference backend, is `PX_PLUGIN_UNSUPPORTED`; a malformed record is
/// `PX_PLUGIN_ERROR`, after `set_error` has said why. Nothing is written before every check has
/// passed.
private func execute(_ context: UnsafeMutableRawPointer?, _ record: UnsafePointer<px_plugin_op>?)
  -> Int32
{
  guard let record else {
    Host.setError("execute: expected an op record, received NULL")
    return PX_PLUGIN_ERROR
  }
  guard let op = PluginOp(id: record.pointee.op) else { return PX_PLUGIN_UNSUPPORTED }
  do throws(OpFailure) {
    try op.run(OpRecordView(record, name: op.name))
    return PX_PLUGIN_OK
  } catch {
    if error.status == PX_PLUGIN_ERROR { Host.setError(error.message) }
    return error.status
  }
}

/// The ops this plugin implements, by family.
private enum PluginOp {
  /// `negate`, `relu`, `abs`, `square`, `exp`, `tanh`, `sigmoid`.
  case unary(UnaryOp)
  /// `add`, `subtract`, `multiply`, `maximum`, `minimum`, broadcast.
  case binary(BinaryOp)
  /// `matmul` of two matrices.
  case matmul
  /// `sum` over axes.
  case sum

  /// The op with this id (`PX_OP_*`), or nil when this plugin does not implement it.
  init?(id: UInt32) {
    if let op = UnaryOp(id: id) {
      self = .unary(op)
    } else if let op = BinaryOp(id: id) {
      self = .binary(op)
    } else if id == PX_OP_MATMUL.rawValue {
      self = .matmul
    } else if id == PX_OP_SUM.rawValue {
      self = .sum
    } else {
      return nil
    }
  }

  /// The op's name, as OpCode.swift spells it.
  var name: String {
    switch self {
    case .unary(let op): op.name
    case .binary(let op): op.name
    case .matmul: Matmul.name
    case .sum: Sum.name
    }
  }

  /// Whether this plugin runs `record` (only a batched matmul is declined).
  func accepts(_ record: OpRecordView) -> Bool {
    switch self {
    case .matmul: Matmul.accepts(record)
    case .unary, .binary, .sum: true
    }
  }

  /// Checks and runs `record`.
  func run(_ record: OpRecordView) throws(OpFailure) {
    switch self {
    case .unary(let op): try op.run(record)
    case .binary(let op): try op.run(record)
    case .matmul: try Matmul.run(record)
    case .sum: try Sum.run(record)
    }
  }
}

/// The host's services (`px_plugin_host`), kept from the entry point for the life of the process.
enum Host {
  /// Set by the entry point, which the host calls once, before anything else of the plugin;
  /// only read afterwards, so unsynchronised reads from the host's threads are safe.
  nonisolated(unsafe) static var services: UnsafePointer<px_plugin_host>?

  /// Sets the reason for the `PX_PLUGIN_ERROR` the calling thread is about to return.
  static func setError(_ message: String) {
    guard let services else { return }
    setError(message, through: services)
  }

  /// Sets the reason through `host`, which the entry point has not kept (yet).
  static func setError(_ message: String, through host: UnsafePointer<px_plugin_host>) {
    guard let setError = host.pointee.set_error else { return }
    let data = host.pointee.host_data
    message.withCString { setError(data, $0) }
  }

  /// Writes `message` to the host's log at `level` (`PX_PLUGIN_LOG_*`).
  static func log(_ level: Int32, _ message: String) {
    guard let services, let log = services.pointee.log else { return }
    let data = services.pointee.host_data
    message.withCString { log(data, level, $0) }
  }

  /// `byteCount` bytes of the host's memory, 64-byte aligned, or nil when there are none.
  static func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
    guard byteCount >= 0, let services, let allocate = services.pointee.allocate else {
      return nil
    }
    return allocate(services.pointee.host_data, byteCount, 64)
  }

  /// Returns memory `allocate` gave.
  static func deallocate(_ pointer: UnsafeMutableRawPointer) {
    guard let services, let deallocate = services.pointee.deallocate else { return }
    deallocate(services.pointee.host_data, pointer)
  }

  /// Whether `host`'s struct_size covers `member`, so that the plugin may read it.
  static func covers<Member>(
    _ host: UnsafePointer<px_plugin_host>, _ member: KeyPath<px_plugin_host, Member>
  ) -> Bool {
    guard let offset = MemoryLayout<px_plugin_host>.offset(of: member) else { return false }
    let size = Int(UnsafeRawPointer(host).load(as: UInt32.self))
    return size >= offset + MemoryLayout<Member>.size
  }
}

import BackendProtocol
import CPlexusPlugin
import Synchronization

/// A loaded plugin as a ``Backend``: the dispatcher cannot tell it from a built-in one.
///
/// Records cross as `px_plugin_op` values (DLPack views, tagged attributes); what the plugin
/// does not claim, or declines at run time, falls back to the reference backend. A plugin error
/// becomes ``PlexusError/backendFailure(backend:op:message:)``: the outputs are discarded and an
/// in-place op's variables are restored, so a failed call never leaves a half-written result.
/// A plugin that computes on its own device gets a device copy of every input before `execute`
/// and gives every output back after it; ``copyCounts`` counts each of those copies. A library
/// loaded a second time (under another name) shares the first load's context and options.
///
/// `@unchecked Sendable`: the table is the plugin's static, read-only memory, the context is the
/// plugin's to synchronise (the ABI says `supports` and `execute` may be called from several
/// threads at once), and the counters are atomics.
public final class PluginBackend: Backend, @unchecked Sendable {
  /// What the plugin said about itself when it loaded.
  public let info: LoadedPlugin
  public var name: String { info.name }

  /// The table's members, zero beyond what the plugin's struct_size and minor version cover.
  private let table: px_plugin_table
  private let context: UnsafeMutableRawPointer?
  private let host: PluginHostContext
  private let supportTable: [Bool]
  /// The plugin's device when it is not the host's memory, with the members that move data.
  private let device: DLDevice
  private let usesDeviceMemory: Bool
  private let copies = DeviceCopyCounters()

  init(table fields: px_plugin_table, info: LoadedPlugin, host: PluginHostContext) throws {
    var fields = fields
    if info.abiMinor < 1 {
      // A 1.0 table has none of the optional members, whatever its memory holds after them.
      fields.supports_op = nil
      fields.set_thread_count = nil
      fields.device_type = 0
      fields.device_id = 0
      fields.memory_allocate = nil
      fields.memory_free = nil
      fields.memory_copy = nil
    }
    host.name = info.name
    var context: UnsafeMutableRawPointer?
    guard let create = fields.create, create(&context) == PX_PLUGIN_OK else {
      let reason = host.takeError() ?? "no reason given"
      throw failure(info.path, "its create failed: \(reason)")
    }
    let deviceType = fields.device_type
    let usesDeviceMemory = deviceType != 0 && deviceType != Int32(kDLCPU.rawValue)
    if usesDeviceMemory,
      fields.memory_allocate == nil || fields.memory_free == nil || fields.memory_copy == nil
    {
      fields.destroy?(context)
      throw failure(
        info.path,
        "it computes on device type \(deviceType) but lacks memory_allocate, memory_free or "
          + "memory_copy")
    }
    self.table = fields
    self.context = context
    self.info = info
    self.host = host
    self.usesDeviceMemory = usesDeviceMemory
    self.device = DLDevice(
      device_type: DLDeviceType(rawValue: UInt32(bitPattern: usesDeviceMemory ? deviceType : 1)),
      device_id: usesDeviceMemory ? fields.device_id : 0)
    var supportTable = [Bool](repeating: false, count: Self.slots)
    if let supports = fields.supports {
      for op in OpCode.allCases {
        for dtype in DType.allCases where supports(context, op.rawValue, dtype.rawValue) != 0 {
          supportTable[Self.slot(op, dtype)] = true
        }
      }
    }
    self.supportTable = supportTable
  }

  /// Another name for a backend already made from the same library: the same table, context
  /// and answers, counted under its own name.
  init(aliasing first: PluginBackend, name: String, path: String) {
    table = first.table
    context = first.context
    host = first.host
    supportTable = first.supportTable
    device = first.device
    usesDeviceMemory = first.usesDeviceMemory
    info = LoadedPlugin(
      name: name, pluginName: first.info.pluginName, version: first.info.version, path: path,
      abiMajor: first.info.abiMajor, abiMinor: first.info.abiMinor)
  }

  private let givenUp = Atomic(false)

  /// Calls the plugin's `destroy` (once): the host gives up a plugin whose load failed after its
  /// `create`. The plugin is not called again.
  func giveUp() {
    guard !givenUp.exchange(true, ordering: .acquiringAndReleasing) else { return }
    table.destroy?(context)
  }

  private static let dtypeSlots = Int(DType.allCases.map(\.rawValue).max() ?? 0) + 1
  private static let slots =
    (Int(OpCode.allCases.map(\.rawValue).max() ?? 0) + 1) * dtypeSlots

  private static func slot(_ op: OpCode, _ dtype: DType) -> Int {
    Int(op.rawValue) * dtypeSlots + Int(dtype.rawValue)
  }

  public func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    supportTable[Self.slot(op, dtype)]
  }

  public var refinesSupport: Bool { table.supports_op != nil }

  public func supports(_ record: OpRecord) -> Bool {
    guard let supportsOp = table.supports_op else { return true }
    let answer = try? withPluginOp(record, device: device, withData: !usesDeviceMemory) {
      supportsOp(context, $0)
    }
    return (answer ?? 0) != 0
  }

  public func setThreadCount(_ count: Int) {
    table.set_thread_count?(context, Int32(clamping: count))
  }

  /// How many copies moved data between host and device memory since the plugin loaded (zero
  /// for a plugin that computes on host memory).
  public var copyCounts: DeviceCopyCounts { copies.snapshot() }

  public func execute(_ record: OpRecord) throws -> ExecutionStatus {
    guard let execute = table.execute else { return .unsupported }
    if usesDeviceMemory { return try executeOnDevice(record, execute) }
    let saved = try updatedInputs(record).map { ($0, try snapshot(record.inputs[$0])) }
    _ = host.takeError()  // a message left over from an earlier call is not this call's
    let status = try withPluginOp(record, device: device) { execute(context, $0) }
    if status == PX_PLUGIN_OK { return .done }
    for (index, copy) in saved { restore(record.inputs[index], from: copy) }
    if status == PX_PLUGIN_UNSUPPORTED { return .unsupported }
    throw pluginError(record.op, status)
  }

  private func pluginError(_ op: OpCode, _ status: Int32) -> PlexusError {
    let message =
      host.takeError() ?? "execute returned status \(status) without saying why (set_error)"
    return .backendFailure(backend: name, op: "\(op)", message: message)
  }

  /// Runs `record` on device copies of its buffers, then copies the results back.
  private func executeOnDevice(
    _ record: OpRecord,
    _ execute: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<px_plugin_op>?) -> Int32
  ) throws -> ExecutionStatus {
    var allocations: [UnsafeMutableRawPointer] = []
    defer { for pointer in allocations { table.memory_free?(context, pointer) } }
    func deviceBuffer(_ buffer: TensorBuffer, upload: Bool) throws -> UnsafeMutableRawPointer? {
      let bytes = buffer.count * buffer.dtype.byteSize
      var pointer: UnsafeMutableRawPointer?
      guard table.memory_allocate?(context, max(bytes, 1), &pointer) == PX_PLUGIN_OK,
        let pointer
      else {
        throw PlexusError.backendFailure(
          backend: name, op: "\(record.op)",
          message: host.takeError() ?? "could not allocate \(bytes) bytes of device memory")
      }
      allocations.append(pointer)
      if upload, bytes > 0 {
        try move(pointer, buffer.storage.base, bytes, PX_PLUGIN_COPY_HOST_TO_DEVICE, record.op)
      }
      return pointer
    }
    _ = host.takeError()
    let inputs = try record.inputs.map { try deviceBuffer($0, upload: true) }
    let outputs = try record.outputs.map { try deviceBuffer($0, upload: false) }
    let status = try withPluginOp(record, device: device, data: inputs + outputs) {
      execute(context, $0)
    }
    if status == PX_PLUGIN_UNSUPPORTED { return .unsupported }
    guard status == PX_PLUGIN_OK else { throw pluginError(record.op, status) }
    // Results come back only once the whole op succeeded, and an in-place op's updated inputs
    // through host temporaries committed together after every copy succeeded: a copy that fails
    // halfway leaves every variable as it was (the outputs are fresh, and discarded).
    for (buffer, source) in zip(record.outputs, outputs) where buffer.count > 0 {
      try move(
        buffer.storage.base, source, buffer.count * buffer.dtype.byteSize,
        PX_PLUGIN_COPY_DEVICE_TO_HOST, record.op)
    }
    var updated: [(TensorBuffer, TensorBuffer)] = []
    for index in updatedInputs(record) where record.inputs[index].count > 0 {
      let buffer = record.inputs[index]
      let temporary = try TensorBuffer.allocate(buffer.dtype, buffer.shape)
      try move(
        temporary.storage.base, inputs[index], buffer.count * buffer.dtype.byteSize,
        PX_PLUGIN_COPY_DEVICE_TO_HOST, record.op)
      updated.append((buffer, temporary))
    }
    for (buffer, temporary) in updated { restore(buffer, from: temporary) }
    return .done
  }

  /// One counted copy between host and device memory.
  private func move(
    _ destination: UnsafeMutableRawPointer?, _ source: UnsafeRawPointer?, _ bytes: Int,
    _ direction: Int32, _ op: OpCode
  ) throws {
    guard table.memory_copy?(context, destination, source, bytes, direction) == PX_PLUGIN_OK else {
      throw PlexusError.backendFailure(
        backend: name, op: "\(op)",
        message: host.takeError() ?? "a copy of \(bytes) bytes to or from the device failed")
    }
    copies.add(direction: direction, bytes: bytes)
  }

  private func snapshot(_ buffer: TensorBuffer) throws -> TensorBuffer {
    let copy = try TensorBuffer.allocate(buffer.dtype, buffer.shape)
    copy.storage.base.copyMemory(
      from: buffer.storage.base, byteCount: buffer.count * buffer.dtype.byteSize)
    return copy
  }

  private func restore(_ buffer: TensorBuffer, from copy: TensorBuffer) {
    buffer.storage.base.copyMemory(
      from: copy.storage.base, byteCount: buffer.count * buffer.dtype.byteSize)
  }
}

/// Copies between host and device memory, counted as they happen.
public struct DeviceCopyCounts: Sendable, Equatable {
  /// Copies of an input to the device.
  public var hostToDevice = 0
  /// Copies of a result back to the host.
  public var deviceToHost = 0
  /// Bytes moved either way.
  public var bytes = 0

  /// Counts of these values.
  public init(hostToDevice: Int = 0, deviceToHost: Int = 0, bytes: Int = 0) {
    self.hostToDevice = hostToDevice
    self.deviceToHost = deviceToHost
    self.bytes = bytes
  }
}

/// The atomics behind ``PluginBackend/copyCounts``.
private final class DeviceCopyCounters: Sendable {
  private let toDevice = Atomic(0)
  private let toHost = Atomic(0)
  private let bytes = Atomic(0)

  func add(direction: Int32, bytes count: Int) {
    if direction == PX_PLUGIN_COPY_HOST_TO_DEVICE {
      toDevice.wrappingAdd(1, ordering: .relaxed)
    } else {
      toHost.wrappingAdd(1, ordering: .relaxed)
    }
    bytes.wrappingAdd(count, ordering: .relaxed)
  }

  func snapshot() -> DeviceCopyCounts {
    DeviceCopyCounts(
      hostToDevice: toDevice.load(ordering: .relaxed),
      deviceToHost: toHost.load(ordering: .relaxed),
      bytes: bytes.load(ordering: .relaxed))
  }
}

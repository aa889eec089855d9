import BackendProtocol
import CPlexusPlugin
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads backend plugins: shared libraries that export `px_plugin_entry` and return a function
/// table as `include/plexus_plugin.h` describes, checked against this host's plugin ABI before
/// anything else in them is used.
///
/// A loaded library is never unloaded (`RTLD_NODELETE`, no `dlclose`): the Swift runtime may keep
/// pointers into it, and the table it returned must stay valid for the life of the process.
public struct PluginLoader: Sendable {
  /// The plugin ABI this host implements, `(major << 16) | minor`, as passed to the entry point.
  public static let hostABIVersion =
    UInt32(PX_PLUGIN_ABI_VERSION_MAJOR) << 16 | UInt32(PX_PLUGIN_ABI_VERSION_MINOR)

  /// Creates a loader.
  public init() {}

  /// Loads the plugin library at `path`, calls its entry point, checks the table it returns,
  /// creates the plugin's context and wraps it as a ``PluginBackend``, which is not registered
  /// yet. `name` overrides the name the plugin gives itself; `options` answer the plugin's
  /// option lookups before the environment does.
  ///
  /// - Throws: `PlexusError.resourceUnavailable`, naming `path` and the reason, when the library
  ///   cannot be opened, lacks the entry point, declines to load, was built for another major
  ///   version of the plugin ABI, has a malformed table, or its `create` fails.
  public func load(path: String, name: String? = nil, options: [String: String] = [:]) throws
    -> PluginBackend
  {
    // dlopen("") would hand back the program itself.
    guard !path.isEmpty else { throw failure(path, "the path is empty") }
    // One load at a time: a plugin's entry point and create never run twice at once, and a
    // library already loaded (under another name, or from another path to the same file) keeps
    // its one context, so a plugin that keeps the host's services in a global never sees them
    // replaced under a running backend. Loads are rare; ops never take this lock.
    return try Self.loaded.withLock { loaded throws -> PluginBackend in
      guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
        throw failure(path, lastDynamicLinkerError() ?? "dlopen failed")
      }
      let key = UInt(bitPattern: library)
      if let first = loaded[key] {
        return PluginBackend(aliasing: first, name: name ?? first.info.pluginName, path: path)
      }
      guard let symbol = dlsym(library, PX_PLUGIN_ENTRY_NAME) else {
        let detail = lastDynamicLinkerError().map { " (\($0))" } ?? ""
        throw failure(
          path, "it does not export the entry point '\(PX_PLUGIN_ENTRY_NAME)'\(detail)")
      }
      let host = PluginHostContext(name: name ?? path, options: options)
      let entry = unsafeBitCast(symbol, to: px_plugin_entry_fn.self)
      guard let table = entry(Self.hostABIVersion, host.makeServices()) else {
        let reason = host.takeError().map { ": \($0)" } ?? ""
        throw failure(
          path, "\(PX_PLUGIN_ENTRY_NAME) returned NULL: the plugin declined to load\(reason)")
      }
      let info = try check(table, path: path, name: name)
      let plugin = try PluginBackend(table: info.fields, info: info.plugin, host: host)
      loaded[key] = plugin
      return plugin
    }
  }

  /// The first backend made from each loaded library, by its dlopen handle.
  private static let loaded = Mutex<[UInt: PluginBackend]>([:])

  /// Forgets `plugin`'s library (its registration failed) and gives the plugin's context up.
  public static func forget(_ plugin: PluginBackend) {
    let removed = loaded.withLock { loaded -> Bool in
      guard let key = loaded.first(where: { $0.value === plugin })?.key else { return false }
      loaded[key] = nil
      return true
    }
    if removed { plugin.giveUp() }
  }

  /// Reads and checks the parts of the table every version has.
  private func check(_ table: UnsafePointer<px_plugin_table>, path: String, name: String?) throws
    -> (fields: px_plugin_table, plugin: LoadedPlugin)
  {
    // Read struct_size alone first: a table smaller than version 1.0's must not be read whole.
    let size = Int(UnsafeRawPointer(table).load(as: UInt32.self))
    let minimum = MemoryLayout<px_plugin_table>.offset(of: \px_plugin_table.supports_op) ?? 0
    guard size >= minimum else {
      throw failure(
        path, "its table is \(size) bytes, smaller than the \(minimum) of plugin ABI 1.0")
    }
    // Copy what the table holds, no more than it says it holds, into a zeroed full table.
    var fields = px_plugin_table()
    withUnsafeMutableBytes(of: &fields) { bytes in
      bytes.copyMemory(
        from: UnsafeRawBufferPointer(
          start: UnsafeRawPointer(table), count: min(size, MemoryLayout<px_plugin_table>.size)))
    }
    clearUncovered(&fields, size: size)
    guard fields.abi_major == PX_PLUGIN_ABI_VERSION_MAJOR else {
      throw failure(
        path,
        "it was built for plugin ABI \(fields.abi_major).\(fields.abi_minor), but this host "
          + "implements \(PX_PLUGIN_ABI_VERSION_MAJOR).\(PX_PLUGIN_ABI_VERSION_MINOR); rebuild "
          + "it against this version of plexus_plugin.h")
    }
    guard let namePointer = fields.name, let ownName = String(validatingCString: namePointer),
      !ownName.isEmpty
    else {
      throw failure(path, "its table has no name, or a name that is not UTF-8")
    }
    guard fields.create != nil, fields.destroy != nil, fields.supports != nil,
      fields.execute != nil
    else {
      throw failure(
        path, "its table lacks a required member (create, destroy, supports and execute are)")
    }
    let version = fields.version.flatMap { String(validatingCString: $0) } ?? ""
    let plugin = LoadedPlugin(
      name: name ?? ownName, pluginName: ownName, version: version, path: path,
      abiMajor: fields.abi_major, abiMinor: fields.abi_minor)
    return (fields, plugin)
  }

  /// Zeroes every member after version 1.0's that `size` (the plugin's struct_size) does not
  /// cover whole: a size that ends inside a member must not leave half a function pointer.
  private func clearUncovered(_ fields: inout px_plugin_table, size: Int) {
    func covered<T>(_ member: KeyPath<px_plugin_table, T>) -> Bool {
      guard let offset = MemoryLayout<px_plugin_table>.offset(of: member) else { return false }
      return offset + MemoryLayout<T>.size <= size
    }
    if !covered(\.supports_op) { fields.supports_op = nil }
    if !covered(\.set_thread_count) { fields.set_thread_count = nil }
    if !covered(\.device_type) { fields.device_type = 0 }
    if !covered(\.device_id) { fields.device_id = 0 }
    if !covered(\.memory_allocate) { fields.memory_allocate = nil }
    if !covered(\.memory_free) { fields.memory_free = nil }
    if !covered(\.memory_copy) { fields.memory_copy = nil }
  }

  private func lastDynamicLinkerError() -> String? {
    dlerror().map { String(cString: $0) }
  }
}

/// The error of a plugin that cannot be loaded.
func failure(_ path: String, _ reason: String) -> PlexusError {
  .resourceUnavailable("cannot load plugin '\(path)': \(reason)")
}

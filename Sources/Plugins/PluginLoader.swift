import BackendProtocol
import CPlexusPlugin

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

  /// Loads the plugin library at `path`, calls its entry point and checks the table it returns.
  ///
  /// - Throws: `PlexusError.resourceUnavailable`, naming `path` and the reason, when the library
  ///   cannot be opened, lacks the entry point, declines to load, or was built for another major
  ///   version of the plugin ABI.
  public func load(path: String) throws -> LoadedPlugin {
    guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
      throw failure(path, lastDynamicLinkerError() ?? "dlopen failed")
    }
    guard let symbol = dlsym(library, PX_PLUGIN_ENTRY_NAME) else {
      let detail = lastDynamicLinkerError().map { " (\($0))" } ?? ""
      throw failure(path, "it does not export the entry point '\(PX_PLUGIN_ENTRY_NAME)'\(detail)")
    }
    let entry = unsafeBitCast(symbol, to: px_plugin_entry_fn.self)
    guard let table = entry(Self.hostABIVersion) else {
      throw failure(path, "\(PX_PLUGIN_ENTRY_NAME) returned NULL: the plugin declined to load")
    }
    // Read struct_size alone first: a table smaller than px_plugin_v1 must not be read whole.
    let size = UnsafeRawPointer(table).load(as: UInt32.self)
    let expectedSize = MemoryLayout<px_plugin_v1>.size
    guard size >= expectedSize else {
      throw failure(
        path, "its table is \(size) bytes, smaller than the \(expectedSize) of px_plugin_v1")
    }
    let fields = table.pointee
    guard fields.abi_major == PX_PLUGIN_ABI_VERSION_MAJOR else {
      throw failure(
        path,
        "it was built for plugin ABI \(fields.abi_major).\(fields.abi_minor), but this host "
          + "implements \(PX_PLUGIN_ABI_VERSION_MAJOR).\(PX_PLUGIN_ABI_VERSION_MINOR); rebuild "
          + "it against this version of plexus_plugin.h")
    }
    guard let namePointer = fields.name, let name = String(validatingCString: namePointer),
      !name.isEmpty
    else {
      throw failure(path, "its table has no name, or a name that is not UTF-8")
    }
    let version = fields.version.flatMap { String(validatingCString: $0) } ?? ""
    return LoadedPlugin(
      name: name, version: version, path: path, abiMajor: fields.abi_major,
      abiMinor: fields.abi_minor)
  }

  private func failure(_ path: String, _ reason: String) -> PlexusError {
    .resourceUnavailable("cannot load plugin '\(path)': \(reason)")
  }

  private func lastDynamicLinkerError() -> String? {
    dlerror().map { String(cString: $0) }
  }
}

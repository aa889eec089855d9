/// What a plugin library that loaded and passed the ABI checks of `PluginLoader` says about
/// itself.
public struct LoadedPlugin: Sendable, Equatable {
  /// The backend name it is registered under: the name asked for at load time, else its own.
  public let name: String
  /// The name the plugin gives itself in its table.
  public let pluginName: String
  /// The plugin's own release version; empty when it gives none.
  public let version: String
  /// The path it was loaded from.
  public let path: String
  /// The plugin ABI version it was built against; the major version equals the host's.
  public let abiMajor: UInt32
  /// The minor version: members appended after it are absent from its table.
  public let abiMinor: UInt32
}

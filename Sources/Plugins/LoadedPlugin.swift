/// A plugin library that loaded and passed the ABI checks of `PluginLoader`.
public struct LoadedPlugin: Sendable, Equatable {
  /// The backend name the plugin registers under.
  public let name: String
  /// The plugin's own release version; empty when it gives none.
  public let version: String
  /// The path it was loaded from.
  public let path: String
  /// The plugin ABI version it was built against; the major version equals the host's.
  public let abiMajor: UInt32
  /// The minor version: members appended after it are absent from its table.
  public let abiMinor: UInt32
}

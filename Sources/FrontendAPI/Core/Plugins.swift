import Foundation
import PlexusPlugins

/// Backends loaded at run time from shared libraries (`include/plexus_plugin.h`), in C, C++,
/// Swift or anything else that exports C functions.
///
/// A loaded plugin is a backend like the built-in ones: select it with ``Config/setBackend(_:)``,
/// ``withBackend(_:_:)`` or a model's `backend`; what it does not run falls back to the reference
/// backend, and ``Dispatcher/statistics()`` says where each op ran.
///
/// ```swift
/// try Plugins.load(path: "/usr/lib/plexus/libpx_blis.so")   // registers "blis"
/// try Config.setBackend("blis")
/// ```
///
/// Plugins are also discovered at start-up from `PLEXUS_PLUGINS=name:path,name:path`. A plugin
/// that fails to load there is logged and kept as a readable error (``loadFailures``); it becomes
/// an error only when that backend is asked for by name. A loaded plugin is never unloaded.
public enum Plugins {
  /// The environment variable read at start-up.
  public static let variable = "PLEXUS_PLUGINS"

  /// Loads the plugin at `path` and registers it as a backend under `name` (default: the name the
  /// plugin gives itself); `options` answer the plugin's option lookups before the environment
  /// (`PLEXUS_PLUGIN_<NAME>_<KEY>`) does. Returns what the plugin says about itself.
  ///
  /// - Throws: `PlexusError.resourceUnavailable` saying why the library cannot be used (not
  ///   found, no entry point, another major ABI version, a failing init), or
  ///   `PlexusError.invalidArgument` when `name` is empty or a built-in backend's.
  @discardableResult
  public static func load(path: String, as name: String? = nil, options: [String: String] = [:])
    throws -> LoadedPlugin
  {
    _ = Dispatcher.defaultEntry  // the built-ins register first
    if let name { try checkName(name) }
    let plugin: PluginBackend
    do {
      plugin = try PluginLoader().load(path: path, name: name, options: options)
    } catch {
      if let name { BackendRegistry.shared.recordLoadFailure(name: name, reason: "\(error)") }
      throw error
    }
    do {
      try register(plugin)
    } catch {
      PluginLoader.forget(plugin)  // its create ran: its destroy runs too
      throw error
    }
    return plugin.info
  }

  /// Every plugin loaded in this process, in load order.
  public static var loaded: [LoadedPlugin] {
    _ = Dispatcher.defaultEntry
    return BackendRegistry.shared.all.compactMap { ($0 as? PluginBackend)?.info }
  }

  /// Why each plugin that failed to load is missing, by backend name (from `PLEXUS_PLUGINS` or a
  /// ``load(path:as:options:)`` that named it).
  public static var loadFailures: [String: String] {
    _ = Dispatcher.defaultEntry
    return BackendRegistry.shared.loadFailures
  }

  /// The copies between host and device memory made for the plugin backend `name` (zero for a
  /// plugin that computes on host memory); nil when `name` is not a loaded plugin.
  public static func copyCounts(backend name: String) -> DeviceCopyCounts? {
    (try? BackendRegistry.shared.backend(named: name) as? PluginBackend)?.copyCounts
  }

  /// Refuses a name a plugin cannot take: empty, or a built-in backend's.
  private static func checkName(_ name: String) throws {
    guard !name.isEmpty else {
      throw PlexusError.invalidArgument(
        context: "Plugins.load", message: "the backend name must not be empty")
    }
    if let existing = try? BackendRegistry.shared.backend(named: name),
      !(existing is PluginBackend)
    {
      throw PlexusError.invalidArgument(
        context: "Plugins.load",
        message: "'\(name)' is a built-in backend; load the plugin under another name")
    }
  }

  /// Registers `plugin`, refusing to replace a backend that is not a plugin.
  private static func register(_ plugin: PluginBackend) throws {
    try checkName(plugin.name)
    try BackendRegistry.shared.register(plugin)
  }

  /// Loads every `name:path` of `specification` (`PLEXUS_PLUGINS`), logging and keeping each
  /// failure instead of throwing. Called once, at start-up, after the built-ins registered.
  static func discover(_ specification: String, into registry: BackendRegistry) {
    for item in specification.split(separator: ",") {
      let item = item.trimmingCharacters(in: .whitespaces)
      guard !item.isEmpty else { continue }
      guard let colon = item.firstIndex(of: ":"), colon != item.startIndex else {
        PluginLog.write(
          0, source: variable,
          "'\(item)' is not name:path; every entry of \(variable) names the backend, then its library"
        )
        continue
      }
      let name = String(item[..<colon])
      let path = String(item[item.index(after: colon)...])
      do {
        if let existing = try? registry.backend(named: name), !(existing is PluginBackend) {
          throw PlexusError.invalidArgument(
            context: variable, message: "'\(name)' is a built-in backend's name")
        }
        let plugin = try PluginLoader().load(path: path, name: name)
        do {
          try registry.register(plugin)
        } catch {
          PluginLoader.forget(plugin)
          throw error
        }
      } catch {
        registry.recordLoadFailure(name: name, reason: "\(error)")
        PluginLog.write(0, source: variable, "backend '\(name)' did not load: \(error)")
      }
    }
  }
}

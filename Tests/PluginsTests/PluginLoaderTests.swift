import BackendProtocol
import Foundation
import PlexusPlugins
import Testing

@Suite struct PluginLoaderTests {
  @Test func missingFileNamesThePath() {
    let path = "/nonexistent/plexus/libpx_missing.so"
    let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: path) }
    #expect(error?.description.contains(path) == true)
  }

  @Test func libraryWithoutEntryPointNamesTheSymbol() {
    let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: "libm.so.6") }
    let message = error?.description ?? ""
    #expect(message.contains("libm.so.6"))
    #expect(message.contains("px_plugin_entry"))
  }

  @Test func tinyCPluginLoads() throws {
    let plugin = try TemporaryPlugin(name: "tiny", abiMajor: "PX_PLUGIN_ABI_VERSION_MAJOR")
    defer { plugin.remove() }
    let loaded = try PluginLoader().load(path: plugin.path)
    #expect(loaded.name == "tiny")
    #expect(loaded.version == "0.0.1")
    #expect(loaded.path == plugin.path)
    #expect(loaded.abiMajor == 1)
  }

  @Test func wrongMajorVersionIsRefusedNamingBothVersions() throws {
    let plugin = try TemporaryPlugin(name: "future", abiMajor: "PX_PLUGIN_ABI_VERSION_MAJOR + 1")
    defer { plugin.remove() }
    let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: plugin.path) }
    let message = error?.description ?? ""
    #expect(message.contains(plugin.path))
    #expect(message.contains("2.0"))
    #expect(message.contains("1.0"))
  }

  @Test func pluginThatDeclinesIsRefused() throws {
    let plugin = try TemporaryPlugin(
      name: "declines", abiMajor: "PX_PLUGIN_ABI_VERSION_MAJOR", declines: true)
    defer { plugin.remove() }
    let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: plugin.path) }
    #expect(error?.description.contains("declined") == true)
  }
}

/// A one-file C plugin compiled into a fresh temporary directory with the system C compiler.
private struct TemporaryPlugin {
  let directory: URL
  let path: String

  /// `abiMajor` is a C expression for the table's `abi_major`.
  init(name: String, abiMajor: String, declines: Bool = false) throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("plexus-plugin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let source = directory.appendingPathComponent("\(name).c")
    path = directory.appendingPathComponent("libpx_\(name).so").path
    let text = """
      #include <plexus_plugin.h>
      static const px_plugin_v1 table = {
        sizeof(px_plugin_v1), \(abiMajor), PX_PLUGIN_ABI_VERSION_MINOR, "\(name)", "0.0.1"};
      PX_PLUGIN_EXPORT const px_plugin_v1 *px_plugin_entry(uint32_t host_abi_version) {
        (void)host_abi_version;
        \(declines ? "(void)&table; return 0;" : "return &table;")
      }
      """
    try text.write(to: source, atomically: true, encoding: .utf8)
    let compiler = Process()
    compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    compiler.arguments = [
      "cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
      "-I", Self.includeDirectory, source.path, "-o", path,
    ]
    try compiler.run()
    compiler.waitUntilExit()
    try #require(compiler.terminationStatus == 0, "cc failed to build \(source.path)")
  }

  func remove() {
    try? FileManager.default.removeItem(at: directory)
  }

  /// `<repo>/include`, found from this file's path: Tests/PluginsTests/<this file>.
  static var includeDirectory: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("include").path
  }
}

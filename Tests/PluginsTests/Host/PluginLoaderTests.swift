import BackendProtocol
import Foundation
import PlexusPlugins
import PlexusTestSupport
import Testing

/// Loading: what a plugin must be for the host to take it, and what the host says when it is not.
/// Every refusal names the library and the reason, and leaves the process working.
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

  @Test func pluginWithRequiredMembersOnlyLoads() throws {
    let path = try TestPlugins.path("required_only")
    let plugin = try PluginLoader().load(path: path)
    #expect(plugin.info.name == "required_only")
    #expect(plugin.info.pluginName == "required_only")
    #expect(plugin.info.path == path)
    #expect(plugin.info.abiMajor == 1 && plugin.info.abiMinor == 1)
    #expect(!plugin.refinesSupport)
    #expect(
      OpCode.allCases.allSatisfy { op in DType.allCases.allSatisfy { !plugin.supports(op, $0) } })
  }

  @Test func aNameGivenAtLoadTimeReplacesThePluginsOwn() throws {
    let plugin = try PluginLoader().load(path: try TestPlugins.path("one_op"), name: "renamed")
    #expect(plugin.name == "renamed")
    #expect(plugin.info.pluginName == "one_op")
  }

  @Test func wrongMajorVersionIsRefusedNamingBothVersions() throws {
    let path = try TestPlugins.path("wrong_major")
    let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: path) }
    let message = error?.description ?? ""
    #expect(message.contains(path))
    #expect(message.contains("plugin ABI 2."))
    #expect(message.contains("implements 1.1"))
  }

  @Test func pluginThatDeclinesIsRefusedWithItsReason() throws {
    let error = #expect(throws: PlexusError.self) {
      try PluginLoader().load(path: try TestPlugins.path("declines"))
    }
    let message = error?.description ?? ""
    #expect(message.contains("declined"))
    #expect(message.contains("this host is too old for me"))
  }

  @Test func failingCreateIsRefusedWithItsReason() throws {
    let error = #expect(throws: PlexusError.self) {
      try PluginLoader().load(path: try TestPlugins.path("failing_init"))
    }
    let message = error?.description ?? ""
    #expect(message.contains("create failed"))
    #expect(message.contains("the device is not present"))
  }

  /// A 1.0 table: the host reads none of the optional members, whatever lies after the table
  /// (the plugin's optional members there abort the process when called).
  @Test func olderMinorVersionLoadsWithoutItsOptionalMembers() throws {
    let plugin = try PluginLoader().load(path: try TestPlugins.path("older_minor"))
    #expect(plugin.info.abiMinor == 0)
    #expect(!plugin.refinesSupport)
    plugin.setThreadCount(2)
    #expect(plugin.supports(.negate, .float32))
    let x = makeBuffer([1, -2, 3], [3])
    let out = try TensorBuffer.allocate(.float32, [3])
    #expect(try plugin.execute(OpRecord(.negate, inputs: [x], outputs: [out])) == .done)
    #expect(bufferValues(out) == [-1, 2, -3])
    #expect(plugin.copyCounts == DeviceCopyCounts())
  }

  @Test func malformedTablesAreRefused() throws {
    let cases: [(String, String, String)] = [
      (
        "tiny",
        "px_plugin_table t = {8, 1, 1, 0, \"tiny\", \"1\", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};",
        "smaller than"
      ),
      (
        "noname",
        "px_plugin_table t = {sizeof(px_plugin_table), 1, 1, 0, 0, \"1\", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};",
        "no name"
      ),
      (
        "noexecute",
        "px_plugin_table t = {sizeof(px_plugin_table), 1, 1, 0, \"x\", \"1\", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};",
        "lacks a required member"
      ),
    ]
    for (name, table, reason) in cases {
      let path = try TestPlugins.compileInline(
        name,
        "static \(table)\nPX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(\n"
          + "uint32_t v, const px_plugin_host *h) { (void)v; (void)h; return &t; }\n")
      let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: path) }
      #expect(error?.description.contains(reason) == true, "\(name): \(error?.description ?? "")")
    }
  }
}

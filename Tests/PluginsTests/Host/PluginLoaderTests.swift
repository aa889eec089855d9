import BackendProtocol
import Foundation
import Plexus
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

  /// Optional members are read only when the minor version is 1 or more and struct_size covers
  /// them whole: these tables' optional members abort the process when called.
  @Test(arguments: [
    ("1", "PX_PLUGIN_TABLE_SIZE_1_0 + 4"), ("0", "sizeof(px_plugin_table)"),
    ("1", "PX_PLUGIN_TABLE_SIZE_1_0"),
  ])
  func optionalMembersAreGatedByMinorVersionAndSize(minor: String, size: String) throws {
    let path = try TestPlugins.compileInline(
      "gated",
      """
      #include <stdlib.h>
      static int32_t create(void **context) { *context = 0; return PX_PLUGIN_OK; }
      static void destroy(void *context) { (void)context; }
      static int32_t supports(void *context, uint32_t op, int32_t dtype) {
        (void)context; return op == PX_OP_NEGATE && dtype == PX_DTYPE_FLOAT32; }
      static int32_t execute(void *context, const px_plugin_op *op) {
        (void)context; (void)op; return PX_PLUGIN_UNSUPPORTED; }
      static int32_t supports_op(void *context, const px_plugin_op *op) {
        (void)context; (void)op; abort(); }
      static void set_thread_count(void *context, int32_t count) {
        (void)context; (void)count; abort(); }
      static px_plugin_table t;
      PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
          uint32_t v, const px_plugin_host *h) {
        (void)v; (void)h;
        t.struct_size = (uint32_t)(\(size));
        t.abi_major = PX_PLUGIN_ABI_VERSION_MAJOR;
        t.abi_minor = \(minor);
        t.name = "gated"; t.version = "1";
        t.create = create; t.destroy = destroy; t.supports = supports; t.execute = execute;
        t.supports_op = supports_op; t.set_thread_count = set_thread_count;
        t.device_type = 99;
        return &t;
      }
      """)
    let plugin = try PluginLoader().load(path: path)
    #expect(!plugin.refinesSupport)
    plugin.setThreadCount(3)
    let x = makeBuffer([1], [1])
    let record = OpRecord(.negate, inputs: [x], outputs: [try TensorBuffer.allocate(.float32, [1])])
    #expect(plugin.supports(record))
    #expect(try plugin.execute(record) == .unsupported)
    #expect(plugin.copyCounts == DeviceCopyCounts())
  }

  /// A plugin that asks the host for the thread count while the host applies it (at
  /// registration, when a thread count was set) gets it: no lock is held across the call.
  @Test func aPluginMayAskForTheThreadCountWhileItIsApplied() throws {
    let path = try TestPlugins.compileInline(
      "asks",
      """
      static const px_plugin_host *host;
      static int32_t seen;
      static int32_t create(void **context) { *context = 0; return PX_PLUGIN_OK; }
      static void destroy(void *context) { (void)context; }
      static int32_t supports(void *context, uint32_t op, int32_t dtype) {
        (void)context; (void)op; (void)dtype; return 0; }
      static int32_t execute(void *context, const px_plugin_op *op) {
        (void)context; (void)op; return PX_PLUGIN_UNSUPPORTED; }
      static void set_thread_count(void *context, int32_t count) {
        (void)context; (void)count; seen = host->thread_count(host->host_data); }
      static px_plugin_table t;
      PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
          uint32_t v, const px_plugin_host *h) {
        (void)v; host = h;
        t.struct_size = sizeof t; t.abi_major = PX_PLUGIN_ABI_VERSION_MAJOR;
        t.abi_minor = PX_PLUGIN_ABI_VERSION_MINOR; t.name = "asks"; t.version = "1";
        t.create = create; t.destroy = destroy; t.supports = supports; t.execute = execute;
        t.set_thread_count = set_thread_count;
        return &t;
      }
      """)
    // The process's registry, whose lock thread_count takes: a thread count must be set for
    // registration to apply it (the current one, or the default of one per core).
    let current = Config.threads
    try Config.setThreads(current > 0 ? current : ProcessInfo.processInfo.activeProcessorCount)
    let name = "asks-\(UUID().uuidString.prefix(6))"
    try Plugins.load(path: path, as: name)
    #expect(Config.availableBackends.contains(name))
  }

  @Test func anEmptyPathIsRefused() {
    let error = #expect(throws: PlexusError.self) { try PluginLoader().load(path: "") }
    #expect(error?.description.contains("empty") == true)
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

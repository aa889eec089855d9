import Foundation
import Plexus
import PlexusTestSupport
import Testing

/// A loaded plugin as a backend: ops it claims run there (the dispatch counters say so), the rest
/// fall back, and a plugin that misbehaves never corrupts a result or takes the process down.
@Suite struct PluginBackendTests {
  private let values: [Float] = [1.5, -2, 0, 4]

  @Test func aPluginThatClaimsNothingFallsBackForEveryOp() throws {
    let name = try TestPlugins.load("required_only")
    let x = try Tensor(values, shape: [2, 2])
    let (result, statistics) = try Dispatcher.recordingStatistics {
      try withBackend(name) { try Ops.add(Ops.negative(x), x) }
    }
    #expect(try result.floats() == [0, 0, 0, 0])
    #expect(statistics.dispatchCount(backend: name) == 0)
    #expect(statistics.fallbackCount(backend: name, op: .negate) == 1)
    #expect(statistics.fallbackCount(backend: name, op: .add) == 1)
    // Strict mode turns the fallback into an error that names the plugin.
    let error = #expect(throws: PlexusError.self) {
      try Dispatcher.withStrictMode { try withBackend(name) { try Ops.negative(x) } }
    }
    #expect(error?.description.contains(name) == true)
  }

  @Test func theOneOpItClaimsRunsInThePlugin() throws {
    let name = try TestPlugins.load("one_op")
    let x = try Tensor(values, shape: [4])
    let (result, statistics) = try Dispatcher.recordingStatistics {
      try withBackend(name) { try Ops.add(Ops.negative(x), Tensor([Float(1)])) }
    }
    #expect(try result.floats() == [-0.5, 3, 1, -3])
    #expect(statistics.dispatchCount(backend: name, op: .negate) == 1)
    #expect(statistics.fallbackCount(backend: name, op: .negate) == 0)
    #expect(statistics.fallbackCount(backend: name, op: .add) == 1)
    // float64 is not claimed: it falls back.
    let (_, doubles) = try Dispatcher.recordingStatistics {
      try withBackend(name) { try Ops.negative(Tensor([1.0, 2.0])) }
    }
    #expect(doubles.fallbackCount(backend: name, op: .negate) == 1)
  }

  @Test func manyThreadsRunOnOnePluginAtOnce() async throws {
    let name = try TestPlugins.load("one_op")
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for task in 0..<16 {
        group.addTask {
          let input = (0..<257).map { Float($0 + task) }
          let negated = try withBackend(name) { try Ops.negative(Tensor(input)) }
          return try negated.floats() == input.map { -$0 }
        }
      }
      for try await correct in group { #expect(correct) }
    }
  }

  @Test func optionsReachThePluginBeforeTheEnvironment() throws {
    let greeting = "hello-\(UUID().uuidString.prefix(6))"
    let path = try TestPlugins.freshCopy("one_op")
    let name = "greeted-\(UUID().uuidString.prefix(6))"
    try Plugins.load(path: path, as: name, options: ["greeting": greeting])
    let said = PluginLog.messages.filter { $0.source == name }
    #expect(said.contains { $0.level == 2 && $0.text == "greeting: \(greeting)" })
  }

  /// A library loaded again under another name shares the first load's context: its entry
  /// point and create ran once (so a plugin's global copy of the host's services is never
  /// replaced under a running backend), and both names run its ops.
  @Test func aLibraryLoadedTwiceSharesItsFirstLoadsContext() throws {
    let path = try TestPlugins.freshCopy("one_op")
    let (first, second) = (
      "first-\(UUID().uuidString.prefix(6))", "second-\(UUID().uuidString.prefix(6))"
    )
    try Plugins.load(path: path, as: first, options: ["greeting": "one"])
    let again = try Plugins.load(path: path, as: second, options: ["greeting": "two"])
    #expect(again.name == second && again.pluginName == "one_op")
    let greetings = PluginLog.messages.filter { $0.text.hasPrefix("greeting: ") }
    #expect(greetings.contains { $0.source == first && $0.text == "greeting: one" })
    #expect(!greetings.contains { $0.text == "greeting: two" })
    for name in [first, second] {
      let (negated, statistics) = try Dispatcher.recordingStatistics {
        try withBackend(name) { try Ops.negative(Tensor([Float(2)])) }
      }
      #expect(try negated.floats() == [-2])
      #expect(statistics.dispatchCount(backend: name, op: .negate) == 1)
    }
  }

  @Test func aRunTimeRefusalFallsBackAndAnErrorNeverHandsOutGarbage() throws {
    let name = try TestPlugins.load("lying")
    let a = try Tensor(values, shape: [4])
    let (sum, statistics) = try Dispatcher.recordingStatistics {
      try withBackend(name) { try Ops.add(a, a) }
    }
    #expect(try sum.floats() == [3, -4, 0, 8])
    #expect(statistics.fallbackCount(backend: name, op: .add) == 1)
    let error = #expect(throws: PlexusError.self) {
      try withBackend(name) { try Ops.multiply(a, a) }
    }
    guard case .backendFailure(let backend, let op, let message)? = error else {
      Issue.record("expected a backend failure, got \(String(describing: error))")
      return
    }
    #expect(backend == name && op == "multiply")
    #expect(message == "lying: multiply failed on purpose")
    // The process and the plugin keep working.
    #expect(try withBackend(name) { try Ops.add(a, a) }.floats() == [3, -4, 0, 8])
  }

  @Test func aFailedInPlaceUpdateLeavesTheVariableAsItWas() throws {
    let name = try TestPlugins.load("lying")
    let plugin = try BackendRegistry.shared.backend(named: name)
    let variable = makeBuffer([1, 2, 3], [3])
    let gradient = makeBuffer([1, 1, 1], [3])
    let rate = makeBuffer([0.5], [], .float64)
    let record = OpRecord(
      .sgdUpdate, inputs: [variable, gradient, rate], attributes: [.momentum: .double(0)],
      outputs: [])
    #expect(throws: PlexusError.self) { try plugin.execute(record) }
    #expect(bufferValues(variable) == [1, 2, 3])
  }

  @Test func aDevicePluginGetsCopiesAndEveryCopyIsCounted() throws {
    let name = try TestPlugins.load("device")
    let x = try Tensor(values, shape: [2, 2])
    let result = try withBackend(name) { try Ops.negative(x) }
    #expect(try result.floats() == [-1.5, 2, 0, -4])
    #expect(
      Plugins.copyCounts(backend: name)
        == DeviceCopyCounts(hostToDevice: 1, deviceToHost: 1, bytes: 32))
    // An in-place op: the variable comes back updated, the gradient and rate only go there.
    let plugin = try BackendRegistry.shared.backend(named: name)
    let variable = makeBuffer([1, 2, 3], [3])
    let record = OpRecord(
      .sgdUpdate,
      inputs: [variable, makeBuffer([2, 2, 2], [3]), makeBuffer([0.25], [], .float64)],
      attributes: [.momentum: .double(0)], outputs: [])
    #expect(try plugin.execute(record) == .done)
    #expect(bufferValues(variable) == [0.5, 1.5, 2.5])
    let counts = try #require(Plugins.copyCounts(backend: name))
    #expect(counts.hostToDevice == 4 && counts.deviceToHost == 2)
  }

  /// A copy back from the device that fails: the op fails naming the plugin, and the variable
  /// of an in-place op is as it was (nothing is committed until every copy succeeded).
  @Test func aFailedCopyBackLeavesTheVariableAsItWas() throws {
    let name = "failing-device-\(UUID().uuidString.prefix(6))"
    try Plugins.load(
      path: try TestPlugins.freshCopy("device"), as: name, options: ["fail_copy_back": "1"])
    let plugin = try BackendRegistry.shared.backend(named: name)
    let variable = makeBuffer([1, 2, 3], [3])
    let record = OpRecord(
      .sgdUpdate,
      inputs: [variable, makeBuffer([2, 2, 2], [3]), makeBuffer([0.25], [], .float64)],
      attributes: [.momentum: .double(0)], outputs: [])
    let error = #expect(throws: PlexusError.self) { try plugin.execute(record) }
    #expect(error?.description.contains("the copy back failed on purpose") == true)
    #expect(bufferValues(variable) == [1, 2, 3])
    let counts = try #require(Plugins.copyCounts(backend: name))
    #expect(counts.hostToDevice == 3 && counts.deviceToHost == 0)
  }

  @Test func brokenPluginsLeaveTheProcessWorkingAndSayWhy() throws {
    let cases = [
      ("wrong_major", "plugin ABI 2."), ("failing_init", "the device is not present"),
      ("declines", "this host is too old for me"),
    ]
    for (plugin, reason) in cases {
      let name = "broken-\(plugin)-\(UUID().uuidString.prefix(6))"
      let error = #expect(throws: PlexusError.self) {
        try Plugins.load(path: try TestPlugins.path(plugin), as: name)
      }
      #expect(error?.description.contains(reason) == true)
      #expect(Plugins.loadFailures[name]?.contains(reason) == true)
      // Asking for it by name is the error, with the reason; nothing else changed.
      let asked = #expect(throws: PlexusError.self) { try Config.setBackend(name) }
      #expect(asked?.description.contains(reason) == true)
      #expect(!Config.availableBackends.contains(name))
      #expect(try Ops.add(Tensor([Float(1)]), Tensor([Float(2)])).floats() == [3])
    }
  }

  @Test func aPluginCannotTakeABuiltInBackendsName() throws {
    for builtIn in ["reference", "openblas", "onednn"] {
      #expect(throws: PlexusError.self) {
        try Plugins.load(path: try TestPlugins.path("one_op"), as: builtIn)
      }
      #expect(!(try BackendRegistry.shared.backend(named: builtIn) is PluginBackend))
    }
    #expect(throws: PlexusError.self) {
      try Plugins.load(path: try TestPlugins.path("one_op"), as: "")
    }
  }

  @Test func aModelTrainsWithItsBackendSetToAPlugin() throws {
    let name = try TestPlugins.load("one_op")
    let model = Sequential {
      Input(shape: [3])
      Dense(4, activation: .relu)
      Dense(2)
    }
    model.backend = name
    try model.compile(
      optimizer: SGD(learningRate: 0.1), loss: SparseCategoricalCrossentropy(fromLogits: true))
    let x = try Tensor([Float](repeating: 0.5, count: 24), shape: [8, 3])
    let y = try Tensor([Int32](repeating: 1, count: 8), shape: [8])
    let (history, statistics) = try Dispatcher.recordingStatistics {
      try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0)
    }
    #expect(history.history["loss"]?.count == 2)
    #expect(statistics.fallbackCount(backend: name) > 0)
  }
}

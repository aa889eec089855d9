import Foundation
import Plexus
import PlexusTestSupport
import Testing

/// The plugin written in Swift (`libpx_swift.so`, target PxSwiftPlugin), which reaches the host
/// only through the C tables: it loads like any plugin and passes the same conformance suite.
@Suite struct SwiftPluginTests {
  private func load() throws -> String {
    let name = "swift-\(UUID().uuidString.prefix(8))"
    let info = try Plugins.load(path: try TestPlugins.built("px_swift"), as: name)
    #expect(info.pluginName == "swift" && info.version == "1.0.0")
    return name
  }

  @Test func passesTheConformanceSuiteForwardAndBackward() throws {
    let name = try load()
    let plugin = try BackendRegistry.shared.backend(named: name)
    let reference = try BackendRegistry.shared.backend(named: "reference")
    let results = try runBackendConformance(plugin, against: reference)
    let claimed = results.filter(\.claimed)
    #expect(claimed.count >= 20, "the Swift plugin claims its elementwise ops, sum and matmul")
    for result in claimed { #expect(result.passed, "\(result.problems.joined(separator: "\n"))") }
    var exercised = 0
    let problems = try checkGradientConformance(
      backend: name, cases: conformanceGradientCases(), skippingUnexercised: true,
      exercised: &exercised)
    #expect(problems == [])
    #expect(exercised > 10)
  }

  @Test func opsItClaimsRunInItAndTheRestFallBack() throws {
    let name = try load()
    let x = try Tensor([Float(-1), 2, -3, 4], shape: [2, 2])
    let (result, statistics) = try Dispatcher.recordingStatistics {
      try withBackend(name) { try Ops.divide(Ops.relu(Ops.add(x, x)), Tensor(Float(2))) }
    }
    #expect(try result.floats() == [0, 2, 0, 4])
    #expect(statistics.dispatchCount(backend: name, op: .add) == 1)
    #expect(statistics.dispatchCount(backend: name, op: .relu) == 1)
    #expect(statistics.fallbackCount(backend: name, op: .divide) == 1)
  }

  @Test func itRefusesABadRecordWithAClearErrorAndNeverTraps() throws {
    let name = try load()
    let plugin = try BackendRegistry.shared.backend(named: name)
    // An output whose shape does not match the broadcast of the inputs.
    let record = OpRecord(
      .add, inputs: [makeBuffer([1, 2], [2]), makeBuffer([1, 2], [2])],
      outputs: [try TensorBuffer.allocate(.float32, [3])])
    let error = #expect(throws: PlexusError.self) { try plugin.execute(record) }
    guard case .backendFailure(let backend, let op, let message)? = error else {
      Issue.record("expected a backend failure, got \(String(describing: error))")
      return
    }
    #expect(backend == name && op == "add")
    #expect(message.contains("[3]"), "\(message)")
  }
}

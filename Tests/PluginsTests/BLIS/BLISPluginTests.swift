import Foundation
import Plexus
import PlexusTestSupport
import Testing

/// The BLIS plugin the package builds (`libpx_blis.so`), loaded at run time: it passes the
/// conformance suite for every op it claims, forward and backward, and a model trains through it
/// as on the reference backend, with its products running in the plugin.
@Suite struct BLISPluginTests {
  /// Loads the BLIS plugin under a name of its own.
  private func load() throws -> String {
    let name = "blis-\(UUID().uuidString.prefix(8))"
    let info = try Plugins.load(path: try TestPlugins.built("px_blis"), as: name)
    #expect(info.pluginName == "blis" && info.abiMajor == 1 && info.abiMinor == 1)
    return name
  }

  @Test func passesTheConformanceSuiteForwardForEveryOpItClaims() throws {
    let name = try load()
    let plugin = try BackendRegistry.shared.backend(named: name)
    let reference = try BackendRegistry.shared.backend(named: "reference")
    let results = try runBackendConformance(plugin, against: reference)
    let claimed = results.filter(\.claimed)
    #expect(
      Set(claimed.map { "\($0.op) \($0.dtype)" })
        == ["matmul float32", "matmul float64", "dense float32", "dense float64"])
    for result in claimed {
      #expect(result.passed, "\(result.problems.joined(separator: "\n"))")
      #expect(result.compared > 0)
    }
  }

  /// The suite's shapes are small, and small products take the plugin's direct loop: these
  /// take BLIS's gemm (split across the host's threads by rows, by columns or by the terms of
  /// the sums), its gemv (one row or one column), transposes and batches, in both dtypes,
  /// against the reference backend.
  @Test(arguments: [DType.float32, .float64])
  func largeProductsTakeBLISAndAgreeWithTheReference(dtype: DType) throws {
    let name = try load()
    let cases: [(Shape, Shape, Bool, Bool)] = [
      ([96, 200], [200, 80], false, false), ([200, 96], [200, 80], true, false),
      ([96, 200], [80, 200], false, true), ([200, 96], [80, 200], true, true),
      ([3, 64, 70], [3, 70, 50], false, false), ([3, 64, 70], [70, 50], false, false),
      ([1, 784], [784, 128], false, false), ([300, 400], [400, 1], false, false),
      ([1, 400], [300, 400], false, true), ([33, 2048], [2048, 3], false, false),
      ([64, 100], [100, 300], false, false), ([300, 100], [100, 64], false, false),
      ([32, 784], [784, 128], false, false),
    ]
    for (left, right, ta, tb) in cases {
      let a = try Ops.cast(withRandomSeed(1) { try Ops.randomUniform(left, minval: -1) }, to: dtype)
      let b = try Ops.cast(
        withRandomSeed(2) { try Ops.randomUniform(right, minval: -1) }, to: dtype)
      let expected = try withBackend("reference") {
        try Ops.matmul(a, b, transposeA: ta, transposeB: tb)
      }
      let (actual, statistics) = try Dispatcher.recordingStatistics {
        try withBackend(name) { try Ops.matmul(a, b, transposeA: ta, transposeB: tb) }
      }
      #expect(statistics.dispatchCount(backend: name, op: .matmul) == 1, "\(left)·\(right)")
      let want = try Ops.cast(expected, to: .float64).scalars(Double.self)
      let got = try Ops.cast(actual, to: .float64).scalars(Double.self)
      let tolerance = dtype == .float32 ? 1e-4 : 1e-12
      let worst = zip(want, got).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($0)) }.max()
      #expect(
        (worst ?? 0) <= tolerance, "\(left)\(ta ? "ᵀ" : "")·\(right)\(tb ? "ᵀ" : ""): \(worst ?? 0)"
      )
    }
  }

  @Test func passesTheConformanceSuiteBackward() throws {
    let name = try load()
    var exercised = 0
    let problems = try checkGradientConformance(
      backend: name, cases: conformanceGradientCases(), skippingUnexercised: true,
      exercised: &exercised)
    #expect(problems == [])
    #expect(exercised >= 4, "the matmul and dense cases ran on the plugin")
  }

  @Test func anMLPTrainsThroughThePluginAsOnTheReference() throws {
    let name = try load()
    func train(_ backend: String) throws -> ([Double], DispatchStatistics) {
      setRandomSeed(11)
      let model = Sequential {
        Input(shape: [6])
        Dense(16, activation: .relu)
        Dense(3)
      }
      model.backend = backend
      try model.compile(
        optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true))
      let x = try Tensor((0..<240).map { Float(($0 * 37) % 19) / 19 - 0.5 }, shape: [40, 6])
      let y = try Tensor((0..<40).map { Int32($0 % 3) }, shape: [40])
      let (history, statistics) = try Dispatcher.recordingStatistics {
        try model.fit(x, y, batchSize: 8, epochs: 3, verbose: 0, shuffle: false)
      }
      return (history.history["loss"] ?? [], statistics)
    }
    let (expected, _) = try train("reference")
    let (losses, statistics) = try train(name)
    #expect(losses.count == 3)
    for (got, want) in zip(losses, expected) {
      #expect(Swift.abs(got - want) <= 1e-4 * Swift.max(1, Swift.abs(want)))
    }
    #expect(statistics.dispatchCount(backend: name, op: .dense) > 0)
    #expect(statistics.dispatchCount(backend: name, op: .matmul) > 0)
    #expect(statistics.fallbackCount(backend: name, op: .dense) == 0)
  }

  @Test func aRecordItDeclinesIsNotRunThere() throws {
    let name = try load()
    let plugin = try BackendRegistry.shared.backend(named: name)
    #expect(plugin.refinesSupport)
    // Batches of 3 and 2: matmul's rule does not hold, so supports_op declines the record and
    // the dispatcher never runs it there.
    let record = OpRecord(
      .matmul,
      inputs: [
        makeBuffer(Array(repeating: 1, count: 12), [3, 2, 2]),
        makeBuffer(Array(repeating: 1, count: 8), [2, 2, 2]),
      ],
      outputs: [try TensorBuffer.allocate(.float32, [3, 2, 2])])
    #expect(!plugin.supports(record))
    // Run anyway, it refuses with the reason instead of reading out of bounds.
    let error = #expect(throws: PlexusError.self) { try plugin.execute(record) }
    #expect(error?.description.contains("matmul") == true, "\(String(describing: error))")
  }

  @Test func manyThreadsShareThePluginAndTheHostsThreads() async throws {
    let name = try load()
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for task in 0..<8 {
        group.addTask {
          let side = 48 + task
          let a = try Tensor((0..<(side * side)).map { Float($0 % 7) }, shape: [side, side])
          let identity = try Tensor(
            (0..<(side * side)).map { $0 / side == $0 % side ? Float(1) : 0 }, shape: [side, side])
          let product = try withBackend(name) { try Ops.matmul(a, identity) }
          return try product.floats() == a.floats()
        }
      }
      for try await same in group { #expect(same) }
    }
  }
}

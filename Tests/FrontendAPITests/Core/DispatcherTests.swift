import Testing

@testable import Plexus

@Suite struct DispatcherTests {
  let a: Tensor

  init() throws {
    a = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
  }

  @Test func matmulRunsOnOpenBLASAndReluFallsBack() throws {
    let (_, statistics) = try Dispatcher.recordingStatistics {
      try withBackend("openblas") { try Ops.relu(Ops.matmul(a, a)) }
    }
    #expect(statistics.dispatchCount(backend: "openblas", op: .matmul) == 1)
    #expect(statistics.fallbackCount(backend: "openblas", op: .relu) == 1)
    #expect(statistics.dispatchCount(backend: "reference", op: .relu) == 1)
    #expect(statistics.fallbackCount(backend: "openblas", op: .matmul) == 0)
  }

  @Test func strictModeTurnsAFallbackIntoAnError() throws {
    #expect(
      throws: PlexusError.fallbackInStrictMode(op: "relu", dtype: .float32, backend: "openblas")
    ) {
      try Dispatcher.withStrictMode {
        try withBackend("openblas") { try Ops.relu(a) }
      }
    }
    // The matmul itself is supported, so strict mode lets it through.
    let product = try Dispatcher.withStrictMode {
      try withBackend("openblas") { try Ops.matmul(a, a) }
    }
    #expect(try product.scalars(Float.self) == [7, 10, 15, 22])
    // The reference backend never falls back, so strict mode changes nothing there.
    _ = try Dispatcher.withStrictMode { try withBackend("reference") { try Ops.relu(a) } }
  }

  @Test func innermostScopeWins() throws {
    try withBackend("openblas") {
      #expect(Config.currentBackend == "openblas")
      try withBackend("reference") { #expect(Config.currentBackend == "reference") }
      #expect(Config.currentBackend == "openblas")
    }
  }

  @Test func unknownBackendNamesTheRegisteredOnes() throws {
    // Other tests register backends of their own meanwhile: the built-ins come first.
    let error = #expect(throws: PlexusError.self) { try withBackend("cuda") {} }
    guard case .unknownBackend(let name, let available)? = error else {
      Issue.record("expected unknownBackend, received \(String(describing: error))")
      return
    }
    #expect(name == "cuda")
    #expect(Array(available.prefix(2)) == ["reference", "openblas"])
    #expect(error?.description.contains("registered backends: reference, openblas") == true)
  }

  @Test func globalCountersSeeScopedWork() throws {
    let before = Dispatcher.statistics().dispatchCount(backend: "openblas", op: .matmul)
    _ = try withBackend("openblas") { try Ops.matmul(a, a) }
    let after = Dispatcher.statistics().dispatchCount(backend: "openblas", op: .matmul)
    #expect(after >= before + 1)
  }

  @Test func shapeErrorsNameTheOpAndBothShapes() throws {
    let b = try Tensor.zeros([3, 5])
    #expect(throws: PlexusError.self) { try Ops.add(a, b) }
    do {
      _ = try Ops.matmul(a, b)
      Issue.record("matmul of (2, 2) and (3, 5) must throw")
    } catch let error as PlexusError {
      #expect(error.description.contains("matmul"))
      #expect(error.description.contains("(3, 5)"))
    }
  }

  @Test func outOfRangeGatherThrowsInsteadOfTrapping() throws {
    let indices = try Tensor([0, 5] as [Int32], shape: [2])
    #expect(throws: PlexusError.self) { try Ops.take(a, indices) }
  }
}

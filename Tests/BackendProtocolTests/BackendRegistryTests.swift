import Synchronization
import Testing

@testable import BackendProtocol

/// A backend that supports nothing and remembers the thread count it was given.
private final class RecordingBackend: Backend, Sendable {
  let name: String
  let threads = Atomic<Int>(0)
  init(_ name: String) { self.name = name }
  func supports(_ op: OpCode, _ dtype: DType) -> Bool { false }
  func setThreadCount(_ count: Int) { threads.store(count, ordering: .relaxed) }
  func copy(_ x: TensorBuffer, _ out: TensorBuffer) throws {}
  func fill(_ value: Double, _ out: TensorBuffer) throws {}
  func iota(start: Double, step: Double, _ out: TensorBuffer) throws {}
  func cast(_ x: TensorBuffer, _ out: TensorBuffer) throws {}
  func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws {}
  func binary(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer) throws {}
  func select(_ c: TensorBuffer, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer) throws {
  }
  func reduce(_ op: OpCode, _ x: TensorBuffer, axes: [Int], _ out: TensorBuffer) throws {}
  func transpose(_ x: TensorBuffer, permutation: [Int], _ out: TensorBuffer) throws {}
  func concat(_ inputs: [TensorBuffer], axis: Int, _ out: TensorBuffer) throws {}
  func slice(_ x: TensorBuffer, starts: [Int], _ out: TensorBuffer) throws {}
  func gather(_ x: TensorBuffer, _ i: TensorBuffer, axis: Int, _ out: TensorBuffer) throws {}
  func scatterAdd(_ u: TensorBuffer, _ i: TensorBuffer, axis: Int, _ out: TensorBuffer) throws {}
  func pad(_ x: TensorBuffer, before: [Int], value: Double, _ out: TensorBuffer) throws {}
  func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool, _ out: TensorBuffer
  ) throws {}
}

@Suite struct BackendRegistryTests {
  @Test func theFallbackCannotBeReplaced() throws {
    let registry = BackendRegistry()
    try registry.register(RecordingBackend("base"), isFallback: true)
    #expect(throws: PlexusError.self) { try registry.register(RecordingBackend("base")) }
    try registry.register(RecordingBackend("extra"))
    try registry.register(RecordingBackend("extra"))
    #expect(registry.names == ["base", "extra"])
    #expect(registry.fallback?.name == "base")
  }

  @Test func unknownNamesListWhatIsRegistered() throws {
    let registry = BackendRegistry()
    try registry.register(RecordingBackend("only"), isFallback: true)
    #expect(throws: PlexusError.unknownBackend(name: "cuda", available: ["only"])) {
      try registry.backend(named: "cuda")
    }
  }

  @Test func oneThreadSettingReachesEveryBackendNowAndLater() throws {
    let registry = BackendRegistry()
    let early = RecordingBackend("early")
    try registry.register(early, isFallback: true)
    registry.setThreadCount(3)
    let late = RecordingBackend("late")
    try registry.register(late)
    #expect(early.threads.load(ordering: .relaxed) == 3)
    #expect(late.threads.load(ordering: .relaxed) == 3)
    #expect(registry.threadCount == 3)
  }

  @Test func opCodesKeepTheirABINumbers() {
    // These numbers are the plugin ABI's op ids: changing one breaks every plugin.
    #expect(OpCode.matmul.rawValue == 140)
    #expect(OpCode.add.rawValue == 50)
    #expect(OpCode.scatterAdd.description == "scatter_add")
    #expect(Set(OpCode.allCases.map(\.rawValue)).count == OpCode.allCases.count)
  }
}

import Foundation
import Testing

@testable import Plexus

/// Process-wide settings. They would disturb tests running beside them, so this suite runs only
/// in a process of its own: `scripts/test.sh` runs it with `PLEXUS_GLOBAL_STATE_TESTS=1` after
/// the main run (`swift test --filter GlobalConfigTests` with that variable set does the same).
@Suite(
  .serialized,
  .enabled(
    if: ProcessInfo.processInfo.environment["PLEXUS_GLOBAL_STATE_TESTS"] == "1",
    "changes process-wide settings; run alone with PLEXUS_GLOBAL_STATE_TESTS=1"))
struct GlobalConfigTests {
  let a: Tensor

  init() throws {
    a = try Tensor([1, -2, 3, 4] as [Float], shape: [2, 2])
  }

  @Test func setBackendChangesTheDefaultForWhatRunsNext() throws {
    let original = Config.backend
    defer { try? Config.setBackend(original) }
    try Config.setBackend("reference")
    #expect(Config.backend == "reference" && Config.currentBackend == "reference")
    let (_, onReference) = try Dispatcher.recordingStatistics { try Ops.matmul(a, a) }
    #expect(onReference.dispatchCount(backend: "reference", op: .matmul) == 1)
    try Config.setBackend("openblas")
    #expect(Config.backend == "openblas")
    let (_, onOpenBLAS) = try Dispatcher.recordingStatistics { try Ops.matmul(a, a) }
    #expect(onOpenBLAS.dispatchCount(backend: "openblas", op: .matmul) == 1)
    #expect(onOpenBLAS.dispatchCount(backend: "reference", op: .matmul) == 0)
    // A scope still wins over the default.
    try withBackend("reference") { #expect(Config.currentBackend == "reference") }
    #expect(throws: PlexusError.self) { try Config.setBackend("no-such-backend") }
    #expect(Config.backend == "openblas")
  }

  @Test func setStrictDispatchTurnsEveryFallbackIntoAnError() throws {
    defer { Config.setStrictDispatch(false) }
    Config.setStrictDispatch(true)
    #expect(
      throws: PlexusError.fallbackInStrictMode(op: "relu", dtype: .float32, backend: "openblas")
    ) { try withBackend("openblas") { try Ops.relu(a) } }
    // What the selected backend runs itself is allowed.
    _ = try withBackend("openblas") { try Ops.matmul(a, a) }
    // A task can opt out of the global setting.
    _ = try Dispatcher.withStrictMode(false) { try withBackend("openblas") { try Ops.relu(a) } }
    Config.setStrictDispatch(false)
    _ = try withBackend("openblas") { try Ops.relu(a) }
  }

  @Test func setThreadsReachesEveryBackendAndChangesNoResult() throws {
    let original = Config.threads
    defer { try? Config.setThreads(original) }
    let x = try withRandomSeed(2) { try Ops.randomNormal([300, 257]) }
    var results: [[Float]] = []
    for threads in [1, 2] {
      try Config.setThreads(threads)
      #expect(Config.threads == threads)
      let y = try Ops.softmax(Ops.matmul(x, x, transposeB: true))
      results.append(try Ops.sum(Ops.exp(y), axes: [1]).scalars(Float.self))
    }
    #expect(results[0] == results[1])
    #expect(throws: PlexusError.self) { try Config.setThreads(0) }
  }
}

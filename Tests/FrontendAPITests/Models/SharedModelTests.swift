import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Plexus

/// Counts builds; shared by a layer and the test that watches it.
private final class BuildCounter: Sendable {
  let count = Atomic<Int>(0)
}

/// A layer that counts how often its `build` runs.
private final class CountingDense: Layer {
  let builds: BuildCounter
  private(set) var kernel: Variable?

  init(_ builds: BuildCounter) {
    self.builds = builds
    super.init()
  }

  override func build(inputShape: Shape) throws {
    builds.count.add(1, ordering: .relaxed)
    // A slow build, so that racing callers arrive while it runs.
    Thread.sleep(forTimeInterval: 0.05)
    kernel = try addWeight(
      name: "kernel", shape: [inputShape[inputShape.rank - 1], 4], initializer: .constant(0.5))
  }

  override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let kernel else {
      throw PlexusError.invalidState(context: "CountingDense", message: "not built")
    }
    return try Ops.matmul(x, kernel.value)
  }
}

private func sampleInputs(_ count: Int) throws -> [Tensor] {
  try (0..<count).map { index in
    try withRandomSeed(UInt64(100 + index)) {
      try Ops.randomUniform([8, 6], minval: -1, maxval: 1)
    }
  }
}

private func makeModel() throws -> Sequential {
  let model = try withRandomSeed(7) {
    let model = Sequential {
      Input(shape: [6])
      Dense(32, activation: .relu)
      Dense(16, activation: .tanh)
      Dense(3)
    }
    try model.buildFromInput()
    return model
  }
  return model
}

@Suite struct SharedModelTests {
  @Test func predictFromManyTasksMatchesSerialPredict() async throws {
    let inputs = try sampleInputs(16)
    let reference = try makeModel()
    let expected = try inputs.map { try reference.predict($0).scalars(Float.self) }

    let shared = SharedModel(try makeModel())
    let results = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
      for (index, input) in inputs.enumerated() {
        group.addTask { (index, try shared.predict(input).scalars(Float.self)) }
        group.addTask { (index, try shared(input).scalars(Float.self)) }
      }
      var results: [(Int, [Float])] = []
      for try await result in group { results.append(result) }
      return results
    }
    #expect(results.count == 2 * inputs.count)
    for (index, values) in results {
      #expect(values == expected[index], "input \(index)")
    }
  }

  @Test func predictFromManyThreadsOnOneModelMatchesSerial() throws {
    // What the C ABI and Swift 5 callers do: one model, many threads, no wrapper.
    let inputs = try sampleInputs(8)
    nonisolated(unsafe) let model = try makeModel()
    let expected = try inputs.map { try model.predict($0).scalars(Float.self) }
    let mismatches = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 32) { iteration in
      let index = iteration % inputs.count
      let values = try? model.predict(inputs[index]).scalars(Float.self)
      if values != expected[index] { mismatches.add(1, ordering: .relaxed) }
    }
    #expect(mismatches.load(ordering: .relaxed) == 0)
  }

  @Test func aFirstBuildRacedFromManyThreadsBuildsOnce() throws {
    let builds = BuildCounter()
    nonisolated(unsafe) let model = Sequential([CountingDense(builds), Dense(2)])
    let input = try Tensor.ones([3, 5])
    let failures = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 16) { _ in
      if (try? model.predict(input)) == nil { failures.add(1, ordering: .relaxed) }
    }
    #expect(failures.load(ordering: .relaxed) == 0)
    #expect(builds.count.load(ordering: .relaxed) == 1)
    #expect(model.weights.map(\.path).count == 3)
    #expect(model.countParams() == 5 * 4 + 4 * 2 + 2)
  }

  @Test func aSharedUnbuiltModelBuildsOnceUnderRacingTasks() async throws {
    let builds = BuildCounter()
    let shared = SharedModel(Sequential([CountingDense(builds)]))
    let input = try Tensor.ones([2, 3])
    let outputs = try await withThrowingTaskGroup(of: [Float].self) { group in
      for _ in 0..<12 { group.addTask { try shared(input).scalars(Float.self) } }
      var outputs: [[Float]] = []
      for try await output in group { outputs.append(output) }
      return outputs
    }
    #expect(outputs.allSatisfy { $0 == [Float](repeating: 1.5, count: 8) })
    #expect(builds.count.load(ordering: .relaxed) == 1)
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

/// Fusion in compiled steps: `matmul` + bias `add` (+ activation) written op by op becomes one
/// `dense` record on oneDNN; exact fusions keep replays equal to eager bit for bit.
@Suite struct FusionTests {
  static var hasOneDNN: Bool { Config.availableBackends.contains("onednn") }

  /// A step spelling a dense layer op by op, and its results over 5 calls.
  static func run(
    _ activation: @escaping (Tensor) throws -> Tensor, jit: JitCompile, fusion: Fusion
  ) throws -> (results: [[Float]], plan: String) {
    try withBackend("onednn") {
      try withRandomSeed(40) {
        let kernel = try Ops.randomNormal([6, 5])
        let bias = try Ops.randomNormal([5])
        let step = compiled(jitCompile: jit, fusion: fusion) { inputs in
          [try activation(Ops.add(Ops.matmul(inputs[0], kernel), bias))]
        }
        let results = try (0..<5).map { _ in try step([try Ops.randomNormal([9, 6])])[0].floats() }
        return (results, step.planDescription)
      }
    }
  }

  @Test func reluIsFusedExactly() throws {
    guard Self.hasOneDNN else { return }
    let eager = try Self.run(Ops.relu, jit: .off, fusion: .exact)
    let fused = try Self.run(Ops.relu, jit: .on, fusion: .exact)
    let unfused = try Self.run(Ops.relu, jit: .on, fusion: .none)
    #expect(fused.results == eager.results)
    #expect(unfused.results == eager.results)
    #expect(fused.plan.contains("fused: matmul + add + relu → dense on onednn"))
    #expect(fused.plan.contains(": dense on onednn"))
    #expect(!fused.plan.contains(": matmul on"))
    #expect(!unfused.plan.contains("fused:") && unfused.plan.contains(": matmul on onednn"))
  }

  /// tanh changes rounding when fused: only under `.all`, and then within float32 tolerance.
  @Test func tanhIsFusedOnlyWhenAllowed() throws {
    guard Self.hasOneDNN else { return }
    let eager = try Self.run(Ops.tanh, jit: .off, fusion: .exact)
    let exact = try Self.run(Ops.tanh, jit: .on, fusion: .exact)
    let all = try Self.run(Ops.tanh, jit: .on, fusion: .all)
    #expect(exact.results == eager.results)
    #expect(exact.plan.contains("fused: matmul + add → dense"))
    #expect(all.plan.contains("fused: matmul + add + tanh → dense"))
    for (a, b) in zip(all.results.joined(), eager.results.joined()) {
      #expect(Swift.abs(a - b) <= 1e-6)
    }
  }

  /// A product read again after the add (or returned) is not fused away.
  @Test func aProductReadTwiceIsNotFused() throws {
    guard Self.hasOneDNN else { return }
    try withBackend("onednn") {
      let kernel = try Ops.randomNormal([4, 3])
      let bias = try Ops.randomNormal([3])
      let step = compiled { inputs in
        let product = try Ops.matmul(inputs[0], kernel)
        return [try Ops.add(product, bias), product]
      }
      for _ in 0..<3 { _ = try step([try Ops.randomNormal([2, 4])]) }
      #expect(!step.planDescription.contains("fused:"))
    }
  }
}

/// Convolutions spelled op by op fuse only under `.all` (oneDNN adds the bias inside).
@Suite struct ConvolutionFusionTests {
  static func run(_ fusion: Fusion, jit: JitCompile) throws -> (results: [[Float]], plan: String) {
    try withBackend("onednn") {
      try withRandomSeed(41) {
        let kernel = try Ops.randomNormal([3, 3, 2, 4])
        let bias = try Ops.randomNormal([4])
        let step = compiled(jitCompile: jit, fusion: fusion) { inputs in
          [try Ops.relu(Ops.add(Ops.conv2d(inputs[0], kernel), bias))]
        }
        let results = try (0..<4).map { _ in
          try step([try Ops.randomNormal([2, 7, 7, 2])])[0].floats()
        }
        return (results, step.planDescription)
      }
    }
  }

  @Test func convolutionFusesUnderAll() throws {
    guard FusionTests.hasOneDNN else { return }
    let eager = try Self.run(.exact, jit: .off)
    let exact = try Self.run(.exact, jit: .on)
    let all = try Self.run(.all, jit: .on)
    #expect(exact.results == eager.results && !exact.plan.contains("fused:"))
    #expect(all.plan.contains("fused: conv2d + add + relu → conv2d_bias_activation on onednn"))
    for (a, b) in zip(all.results.joined(), eager.results.joined()) {
      #expect(Swift.abs(a - b) <= 1e-5 * Swift.max(1, Swift.abs(b)))
    }
  }
}

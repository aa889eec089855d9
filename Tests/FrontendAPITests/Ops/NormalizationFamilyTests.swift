import PlexusTestSupport
import Testing

@testable import Plexus

/// The normalization family: one kernel per pass where a backend has it, the composite
/// elsewhere, the same values and gradients either way.
@Suite struct NormalizationFamilyTests {
  static func cases() throws -> [GradientCase] {
    try conformanceGradientCases().filter {
      $0.name.hasPrefix("batch_norm") || $0.name.hasPrefix("layer_norm")
    }
  }

  /// On oneDNN every case runs the family's kernels, and agrees with the composite on the
  /// reference, forward and backward. (OpenBLAS runs none of the composites' primitives: the
  /// conformance suite skips these cases there.)
  @Test func theFamilyMatchesTheCompositeThroughTheTape() throws {
    #expect(try Self.cases().count == 12)
    #expect(try checkGradientConformance(backend: "onednn", cases: Self.cases()) == [])
  }

  /// A training step's forward and backward passes are one record each on oneDNN.
  @Test func oneDNNRunsEachPassAsOneKernel() throws {
    let x = try withRandomSeed(1) { try Ops.randomUniform([4, 3, 5]) }
    let statistics = try Dispatcher.recordingStatistics {
      try withBackend("onednn") {
        let tape = GradientTape()
        var watched = [x, try Ops.ones([5]), try Ops.zeros([5])]
        tape.watch(&watched)
        let loss = try tape.record {
          let (y, _, _) = try Ops.batchNormalizationTraining(
            watched[0], offset: watched[2], scale: watched[1])
          let z = try Ops.layerNormalization(y, gamma: watched[1], beta: watched[2])
          return try Ops.sum(Ops.multiply(z, z))
        }
        _ = try tape.gradient(of: loss, wrt: watched)
      }
    }.1
    for op in [OpCode.batchNorm, .batchNormGradient, .layerNorm, .layerNormGradient] {
      #expect(statistics.dispatchCount(backend: "onednn", op: op) == 1, "\(op)")
    }
  }

  /// A gradient of a gradient differentiates the gradient op's composite: the same as
  /// differentiating the normalization written from primitives.
  @Test func secondOrderGradientsMatchThePrimitives() throws {
    let x0 = try withRandomSeed(2) { try Ops.randomUniform([5, 3], minval: -2, maxval: 2) }
    let gamma0 = try Tensor([0.5, 1.5, -1] as [Float])
    let weight = try withRandomSeed(3) { try Ops.randomUniform([5, 3]) }
    func secondOrder(_ normalize: (Tensor, Tensor) throws -> Tensor) throws -> [Float] {
      let outer = GradientTape()
      var x = x0
      var gamma = gamma0
      outer.watch(&x)
      outer.watch(&gamma)
      let norm = try outer.record {
        let inner = GradientTape()
        inner.watch(&x)
        let objective = try inner.record {
          try Ops.sum(Ops.multiply(Ops.square(normalize(x, gamma)), weight))
        }
        let dx = try inner.gradient(of: objective, wrt: [x])[0]
        return try Ops.sum(Ops.square(#require(dx)))
      }
      let grads = try outer.gradient(of: norm, wrt: [x, gamma])
      return try grads.flatMap { try #require($0).scalars(Float.self) }
    }
    for backend in ["reference", "onednn"] {
      try withBackend(backend) {
        let family = try secondOrder { x, gamma in
          try Ops.batchNormalizationTraining(x, scale: gamma).output
        }
        let primitives = try secondOrder { x, gamma in
          let (mean, variance) = try Ops.moments(x, axes: [0])
          return try Ops.normalize(
            x, mean: mean, variance: variance, offset: nil, scale: gamma, epsilon: 1e-3)
        }
        #expect(isClose(family, primitives, tolerance: 1e-3), "\(backend)")
        let layerFamily = try secondOrder { x, gamma in
          try Ops.layerNormalization(x, gamma: gamma)
        }
        let layerPrimitives = try secondOrder { x, gamma in
          let (mean, variance) = try Ops.moments(x, axes: [1], keepDims: true)
          return try Ops.normalize(
            x, mean: mean, variance: variance, offset: nil, scale: gamma, epsilon: 1e-3)
        }
        #expect(isClose(layerFamily, layerPrimitives, tolerance: 1e-3), "\(backend)")
      }
    }
  }

  /// Bad operands are errors naming the op, on the frontend's checks and on the family's.
  @Test func badOperandsAreErrorsNamingTheOp() throws {
    let x = try Ops.ones([2, 3])
    let calls: [(String, () throws -> Any)] = [
      ("batch_normalization", { try Ops.batchNormalizationTraining(x, scale: Ops.ones([2])) }),
      ("batch_normalization", { try Ops.batchNormalizationTraining(x, epsilon: .nan) }),
      ("batch_normalization", { try Ops.batchNormalizationTraining(Tensor(Float(1))) }),
      ("layer_normalization", { try Ops.layerNormalization(x, beta: Ops.ones([3, 1])) }),
      ("layer_normalization", { try Ops.layerNormalization(x, epsilon: -1) }),
      ("layer_normalization", { try Ops.layerNormalization(Tensor(Float(1))) }),
      ("layer_normalization", { try Ops.layerNormalization(Ops.ones([2, 3], dtype: .int32)) }),
    ]
    for (index, (name, call)) in calls.enumerated() {
      for backend in ["reference", "onednn"] {
        let text = try withBackend(backend) { thrownText { try call() } }
        #expect(text?.contains(name) == true, "case \(index) on \(backend): \(text ?? "none")")
      }
    }
  }
}

/// Whether two float arrays agree within `tolerance` (relative above 1, absolute below).
private func isClose(_ a: [Float], _ b: [Float], tolerance: Float) -> Bool {
  a.count == b.count
    && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

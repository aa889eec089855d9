import Foundation
import Testing

@testable import Plexus

/// Deterministic, varied values for `count` elements.
private func pattern(_ count: Int, phase: Double) -> [Float] {
  (0..<count).map { Float(sin(Double($0) * 1.7 + phase)) }
}

private func maxDifference(_ a: Variable, _ b: Variable) throws -> Float {
  zip(try a.value.floats(), try b.value.floats()).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct OptimizerTests {
  /// Runs three steps on the reference backend with fused kernels and with the composite.
  private func fusedAndComposite(_ make: () -> Optimizer) throws -> (Float, Int) {
    try withBackend("reference") {
      let fused = make()
      let composite = make()
      composite.useFusedKernels = false
      let a = Variable(try Tensor(pattern(12, phase: 0), shape: [3, 4]), name: "a")
      let b = Variable(try Tensor(pattern(12, phase: 0), shape: [3, 4]), name: "b")
      var fusedOps = 0
      for step in 0..<3 {
        let g = try Tensor(pattern(12, phase: Double(step) + 0.5), shape: [3, 4])
        let (_, statistics) = try Dispatcher.recordingStatistics {
          try fused.apply([g], to: [a])
        }
        fusedOps += statistics.dispatchCount(backend: "reference", op: .sgdUpdate)
        fusedOps += statistics.dispatchCount(backend: "reference", op: .adamUpdate)
        try composite.apply([g], to: [b])
      }
      return (try maxDifference(a, b), fusedOps)
    }
  }

  @Test func fusedSGDMatchesComposite() throws {
    for (momentum, nesterov) in [(0.0, false), (0.9, false), (0.9, true)] {
      let (difference, fusedOps) = try fusedAndComposite {
        SGD(learningRate: 0.05, momentum: momentum, nesterov: nesterov)
      }
      #expect(difference < 1e-6)
      #expect(fusedOps == 3)
    }
  }

  @Test func fusedAdamMatchesComposite() throws {
    let (difference, fusedOps) = try fusedAndComposite { Adam(learningRate: 0.01) }
    #expect(difference < 1e-6)
    #expect(fusedOps == 3)
  }

  @Test func clipnormRescalesEachGradient() throws {
    let optimizer = SGD(learningRate: 1)
    optimizer.clipnorm = 1
    let w = Variable(try Tensor.zeros([2]), name: "w")
    let small = Variable(try Tensor.zeros([1]), name: "small")
    try optimizer.apply([Tensor([3, 4] as [Float]), Tensor([0.5] as [Float])], to: [w, small])
    let moved = try w.value.floats()
    #expect(abs(moved[0] + 0.6) < 1e-6 && abs(moved[1] + 0.8) < 1e-6)
    #expect(abs(try small.value.floats()[0] + 0.5) < 1e-6)
  }

  @Test func globalClipnormRescalesAllGradientsTogether() throws {
    let optimizer = SGD(learningRate: 1)
    optimizer.globalClipnorm = 1
    let a = Variable(try Tensor.zeros([1]), name: "a")
    let b = Variable(try Tensor.zeros([1]), name: "b")
    try optimizer.apply([Tensor([3] as [Float]), Tensor([4] as [Float])], to: [a, b])
    #expect(abs(try a.value.floats()[0] + 0.6) < 1e-6)
    #expect(abs(try b.value.floats()[0] + 0.8) < 1e-6)
  }

  @Test func clipvalueClipsElements() throws {
    let optimizer = SGD(learningRate: 1, clipvalue: 0.5)
    let w = Variable(try Tensor.zeros([3]), name: "w")
    try optimizer.apply([Tensor([3, -4, 0.25] as [Float])], to: [w])
    #expect(try w.value.floats() == [-0.5, 0.5, -0.25])
  }

  @Test func twoClippingOptionsThrow() throws {
    let optimizer = SGD(clipnorm: 1, clipvalue: 1)
    let w = Variable(try Tensor.zeros([1]), name: "w")
    #expect(throws: PlexusError.self) { try optimizer.apply([Tensor.ones([1])], to: [w]) }
    #expect(optimizer.iterations == 0)
  }

  @Test func weightDecayShrinksBeforeTheUpdate() throws {
    let optimizer = SGD(learningRate: 0.1, weightDecay: 0.5)
    let w = Variable(try Tensor([2] as [Float]), name: "w")
    try optimizer.apply([Tensor([1] as [Float])], to: [w])
    // 2 - 2·0.5·0.1 = 1.9, then 1.9 - 0.1·1.
    #expect(abs(try w.value.floats()[0] - 1.8) < 1e-6)
  }

  @Test func valuesReadBeforeAnUpdateDoNotChange() throws {
    let w = Variable(try Tensor([1] as [Float]), name: "w")
    let before = w.value
    try SGD(learningRate: 0.5).apply([Tensor([1] as [Float])], to: [w])
    #expect(try before.floats() == [1])
    #expect(try w.value.floats() == [0.5])
  }

  @Test func configUsesKerasNames() {
    let config = Adam(learningRate: 0.01).config
    // Keras keeps the learning rate in a float32 variable and writes it rounded.
    #expect(config["learning_rate"] == .double(Double(Float(0.01))))
    #expect(config["beta_1"] == 0.9)
    #expect(config["epsilon"] == 1e-7)
    #expect(config["amsgrad"] == false)
    #expect(SGD(momentum: 0.9, nesterov: true).config["nesterov"] == true)
  }
}

import Foundation
import Testing

@testable import Plexus

/// Keras's Adam, one scalar, written out by hand.
private struct ScalarAdam {
  var m = 0.0
  var v = 0.0
  let lr: Double
  let beta1 = 0.9
  let beta2 = 0.999
  let epsilon = 1e-7

  mutating func step(_ w: Double, _ g: Double, t: Double) -> Double {
    m += (g - m) * (1 - beta1)
    v += (g * g - v) * (1 - beta2)
    let alpha = lr * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
    return w - alpha * m / (v.squareRoot() + epsilon)
  }
}

@Suite struct AdamTests {
  @Test func twoStepsMatchHandWorkedValues() throws {
    // Step 1: m = 0.05, v = 0.00025, alpha = 0.1·sqrt(0.001)/0.1 ≈ 0.0316228, so w moves by
    // alpha · 0.05 / 0.0158114 ≈ 0.1 (Adam's first step is ±lr).
    for fused in [true, false] {
      let optimizer = Adam(learningRate: 0.1)
      optimizer.useFusedKernels = fused
      let w = Variable(try Tensor([1, -2] as [Float]), name: "w")
      try optimizer.apply([Tensor([0.5, 3] as [Float])], to: [w])
      let first = try w.value.floats()
      #expect(abs(Double(first[0]) - 0.9) < 1e-5)
      #expect(abs(Double(first[1]) - -2.1) < 1e-5)
      try optimizer.apply([Tensor([-1, 3] as [Float])], to: [w])
      var a = ScalarAdam(lr: 0.1)
      var b = ScalarAdam(lr: 0.1)
      let expected = [
        a.step(a.step(1, 0.5, t: 1), -1, t: 2), b.step(b.step(-2, 3, t: 1), 3, t: 2),
      ]
      let second = try w.value.floats()
      #expect(abs(Double(second[0]) - expected[0]) < 1e-5, "fused: \(fused)")
      #expect(abs(Double(second[1]) - expected[1]) < 1e-5, "fused: \(fused)")
      #expect(optimizer.variables.map(\.name) == ["w_momentum", "w_velocity"])
    }
  }

  @Test func adamWDecaysBeforeTheUpdate() throws {
    let optimizer = AdamW(learningRate: 0.1, weightDecay: 0.5)
    let w = Variable(try Tensor([2] as [Float]), name: "w")
    try optimizer.apply([Tensor([0.5] as [Float])], to: [w])
    // 2 - 2·0.5·0.1 = 1.9, then Adam's first step of -0.1.
    #expect(abs(Double(try w.value.floats()[0]) - 1.8) < 1e-5)
  }

  @Test func rmspropMatchesHandWorkedStep() throws {
    let optimizer = RMSprop(learningRate: 0.1)
    let w = Variable(try Tensor([1] as [Float]), name: "w")
    try optimizer.apply([Tensor([2] as [Float])], to: [w])
    // v = 0.1·4 = 0.4; w -= 0.1·2/sqrt(0.4 + 1e-7).
    let expected = 1 - 0.2 / (0.4 + 1e-7).squareRoot()
    #expect(abs(Double(try w.value.floats()[0]) - expected) < 1e-5)
  }
}

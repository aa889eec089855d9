import Foundation
import Plexus
import Testing

/// Every new loss against Keras 3 on the same batches (`Tests/Fixtures/KerasLosses`): the
/// config Keras wrote must rebuild the loss (`Loss.fromConfig`) and be written back unchanged,
/// and the loss value and its gradient with respect to `yPred` (of the sum of the values, for
/// reduction `none`) must match, in float32 and in float64, within
/// ``KerasLossFixtures/tolerance`` · max(|keras|, 1). With `PLEXUS_PARITY_REPORT=1` each case
/// prints the largest error it saw.
@Suite struct KerasLossParityTests {
  @Test func fixturesArePresent() {
    #expect(KerasLossFixtures.names("loss_").count >= 16)
  }

  @Test(arguments: KerasLossFixtures.names("loss_"), [DType.float32, .float64])
  func matchesKeras(_ name: String, _ dtype: DType) throws {
    let fixture = try KerasLossFixtures.loss(name)
    let rewritten = try Loss.fromConfig(fixture.loss).serialized.value
    // Keras's `reduction=None` (null) is written back as "none", which Keras reads as the same.
    var expected = fixture.loss
    if case .object(var top) = expected, case .object(var config)? = top["config"],
      config["reduction"]?.isNull == true
    {
      config["reduction"] = .string("none")
      top["config"] = .object(config)
      expected = .object(top)
    }
    #expect(rewritten == expected, "\(name): \(KerasFixtures.differences(rewritten, expected))")

    let loss = try Loss.fromConfig(fixture.fullConfig)
    var worst = 0.0
    for (index, call) in fixture.calls.enumerated() {
      let tape = GradientTape()
      var yPred = try call.yPred.tensor(dtype)
      tape.watch(&yPred)
      // Sparse labels are integers (the fixture holds them as numbers).
      let yTrue =
        loss is SparseCategoricalCrossentropy
        ? try Ops.cast(call.yTrue.tensor(), to: .int32) : try call.yTrue.tensor(dtype)
      let weight = try call.sampleWeight?.tensor(dtype)
      let (value, objective) = try tape.record {
        let value = try loss(yTrue, yPred, sampleWeight: weight)
        return (value, try Ops.sum(value))
      }
      let gradient = try #require(try tape.gradient(of: objective, wrt: [yPred]).first ?? nil)
      #expect(value.shape == call.value.shape, "\(name) call \(index): value shape")
      #expect(gradient.shape == call.gradient.shape, "\(name) call \(index): gradient shape")
      let errors = [
        ("value", KerasLossFixtures.error(try host(value), call.value.values)),
        ("gradient", KerasLossFixtures.error(try host(gradient), call.gradient.values)),
      ]
      for (what, error) in errors {
        #expect(
          error <= KerasLossFixtures.tolerance, "\(name) \(dtype) call \(index) \(what): \(error)")
        worst = max(worst, error)
      }
    }
    if ProcessInfo.processInfo.environment["PLEXUS_PARITY_REPORT"] != nil {
      print("\(name) \(dtype): largest error \(worst)")
    }
  }

  private func host(_ tensor: Tensor) throws -> [Double] {
    try tensor.cast(to: .float64).scalars(Double.self)
  }
}

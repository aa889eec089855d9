import Testing

@testable import Plexus

/// The custom-training pattern of the documentation, on both built-in backends.
@Suite struct CustomTrainingLoopTests {
  @Test(arguments: ["reference", "openblas"])
  func aTapeLoopLearnsALinearMap(backend: String) throws {
    try withRandomSeed(8) {
      try withBackend(backend) {
        // y = 2·x₀ − x₁ + 0.5
        let x = try Ops.randomUniform([64, 2], minval: -1, maxval: 1)
        let w = try Tensor([2, -1] as [Float], shape: [2, 1])
        let y = try Ops.matmul(x, w) + 0.5
        let model = Sequential([Dense(1)])
        let optimizer = Adam(learningRate: 0.05)
        let lossFunction = MeanSquaredError()
        var losses: [Double] = []
        for _ in 0..<150 {
          let tape = GradientTape()
          let loss = try tape.record { try lossFunction(y, model(x, training: true)) }
          let gradients = try tape.gradient(of: loss, wrt: model.trainableVariables)
          try optimizer.apply(gradients, to: model.trainableVariables)
          losses.append(try loss.item())
        }
        #expect(try #require(losses.last) < 1e-3)
        let kernel = try #require((model.layers[0] as? Dense)?.kernel).value
        let learned = try kernel.scalars(Float.self)
        #expect(Swift.abs(learned[0] - 2) < 0.05 && Swift.abs(learned[1] + 1) < 0.05)
      }
    }
  }
}

import Testing

@testable import Plexus

/// The same seed gives the same bits, whether the step runs inside `fit` or in the documented
/// `GradientTape` loop.
@Suite struct ReproducibilityTests {
  private func makeModel() -> Sequential {
    Sequential {
      Input(shape: [6])
      Dense(16, activation: .relu)
      Dropout(0.25)
      Dense(3)
    }
  }

  private func data() throws -> (Tensor, Tensor) {
    let x = try withRandomSeed(123) { try Ops.randomUniform([48, 6], minval: -1, maxval: 1) }
    return (x, try Ops.argmax(Ops.slice(x, starts: [0, 0], sizes: [48, 3]), axis: -1))
  }

  @Test(arguments: ["reference", "openblas"])
  func fitAndTheTapeLoopGiveBitIdenticalWeights(backend: String) throws {
    let (x, y) = try data()
    let (batchSize, epochs) = (16, 2)
    let viaFit = try withRandomSeed(42) { () -> [Float] in
      let model = makeModel()
      model.backend = backend
      try model.compile(
        optimizer: Adam(learningRate: 0.01),
        loss: SparseCategoricalCrossentropy(fromLogits: true))
      try model.fit(x, y, batchSize: batchSize, epochs: epochs, verbose: 0)
      return try model.getWeights().flatMap { try $0.scalars(Float.self) }
    }
    let viaTape = try withRandomSeed(42) { () -> [Float] in
      let model = makeModel()
      let optimizer = Adam(learningRate: 0.01)
      let lossFunction = SparseCategoricalCrossentropy(fromLogits: true)
      try withBackend(backend) {
        for _ in 0..<epochs {
          // fit shuffles at the start of every epoch from the same stream.
          let order = try RandomGenerator.permutation(x.shape[0]).map { Int32($0) }
          for start in stride(from: 0, to: order.count, by: batchSize) {
            let indices = try Tensor(Array(order[start..<(start + batchSize)]))
            let (xb, yb) = (try Ops.take(x, indices), try Ops.take(y, indices))
            let tape = GradientTape()
            let loss = try tape.record { try lossFunction(yb, model(xb, training: true)) }
            let gradients = try tape.gradient(of: loss, wrt: model.trainableVariables)
            try optimizer.apply(gradients, to: model.trainableVariables)
          }
        }
      }
      return try model.getWeights().flatMap { try $0.scalars(Float.self) }
    }
    #expect(viaFit.count == 6 * 16 + 16 + 16 * 3 + 3)
    #expect(viaFit == viaTape)
  }
}

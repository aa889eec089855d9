import PlexusTestSupport
import Testing

@testable import Plexus

/// `compiled { }`: a custom GradientTape step captured and replayed.
@Suite struct CompiledFunctionTests {
  /// Runs `steps` custom steps (forward, loss, gradients, Adam) eagerly or compiled and returns
  /// the losses and the final weights.
  static func customLoop(jit: JitCompile, steps: Int = 6) throws -> (
    losses: [Float], weights: [[Float]], function: CompiledFunction
  ) {
    try withRandomSeed(21) {
      let model = Sequential {
        Input(shape: [6])
        Dense(8, activation: .tanh)
        Dense(2)
      }
      try model.build(inputShapes: [Shape([-1, 6])])
      let optimizer = Adam(learningRate: 0.02)
      let loss = MeanSquaredError()
      let step = compiled(name: "custom step", jitCompile: jit) { inputs in
        let tape = GradientTape()
        let value = try tape.record {
          try loss(inputs[1], model(inputs[0], training: true))
        }
        let gradients = try tape.gradient(of: value, wrt: model.trainableWeights)
        try optimizer.apply(gradients, to: model.trainableWeights)
        return [value]
      }
      var losses: [Float] = []
      for index in 0..<steps {
        let x = try Ops.randomNormal([4, 6])
        let y = try Ops.multiply(
          Ops.sum(x, axes: [1], keepDims: true), Tensor.scalar(Double(index)))
        let target = try Ops.concatenate([y, y], axis: 1)
        losses.append(contentsOf: try step([x, target])[0].floats())
      }
      return (losses, try model.weights.map { try $0.value.floats() }, step)
    }
  }

  @Test func aCustomStepReplaysAsItRunsEagerly() throws {
    let eager = try Self.customLoop(jit: .off)
    let replayed = try Self.customLoop(jit: .on)
    #expect(eager.losses == replayed.losses)
    #expect(eager.weights == replayed.weights)
    let statistics = replayed.function.statistics
    #expect(statistics.eagerCalls == 1 && statistics.captures == 1 && statistics.replays == 4)
    // The dump names the ops, the fused update and the arena.
    let plan = replayed.function.planDescription
    #expect(plan.contains("adam_update") && plan.contains("arena+") && plan.contains("var "))
  }

  /// A host read of a computed value inside a capture is an error naming the op.
  @Test func aHostReadInsideACaptureNamesTheOp() throws {
    let step = compiled { inputs in
      let y = try Ops.exp(inputs[0])
      if try y.item() > 100 { return [y] }
      return [try Ops.square(y)]
    }
    let x = Tensor(Float(1))
    _ = try step([x])  // the warm-up runs eagerly
    #expect {
      _ = try step([x])
    } throws: { error in
      "\(error)".contains("output of 'exp'") && "\(error)".contains("on the host")
    }
  }

  /// Results are new tensors: a later call does not change one already returned.
  @Test func resultsAreNotOverwrittenByLaterCalls() throws {
    let step = compiled { inputs in [try Ops.multiply(inputs[0], Tensor.scalar(2))] }
    var results: [[Float]] = []
    var kept: [Tensor] = []
    for value in 1...5 {
      let output = try step([try Tensor([Float(value), Float(value)], shape: [2])])[0]
      kept.append(output)
      results.append(try output.floats())
    }
    #expect(try kept.map { try $0.floats() } == results)
    #expect(results.last == [10, 10])
    #expect(step.statistics.replays == 3)
  }

  /// A random draw is fresh in every replay and the same as eager's for the same seed.
  @Test func randomDrawsAreFreshPerReplayAndEqualEager() throws {
    func draws(_ jit: JitCompile) throws -> [[Float]] {
      try withRandomSeed(77) {
        let step = compiled(jitCompile: jit) { inputs in
          [try Ops.add(inputs[0], Ops.randomUniform([3]))]
        }
        let zero = try Tensor([Float](repeating: 0, count: 3), shape: [3])
        return try (0..<5).map { _ in try step([zero])[0].floats() }
      }
    }
    let replayed = try draws(.on)
    #expect(replayed == (try draws(.off)))
    #expect(Set(replayed.map { $0.description }).count == 5)
  }
}

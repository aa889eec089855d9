import PlexusTestSupport
import Testing

@testable import Plexus

/// What a replay must notice, or refuse to freeze: changed models and settings, assigned
/// values, values from before an update, seeded layers, two updates in a step, host reads,
/// and ops a backend declines at run time.
@Suite struct CompiledStateTests {
  /// A layer added after predict has replayed is in the next predict.
  @Test func aLayerAddedAfterPredictIsUsed() throws {
    let x = try withRandomSeed(1) { try Ops.randomNormal([12, 3]) }
    let model = Sequential {
      Input(shape: [3])
      Dense(4)
    }
    for _ in 0..<3 { _ = try model.predict(x, batchSize: 12) }
    try model.add(Softmax())
    let rows = try model.predict(x, batchSize: 12).floats()
    for row in 0..<12 {
      let sum = rows[(row * 4)..<(row * 4 + 4)].reduce(0, +)
      #expect(Swift.abs(sum - 1) < 1e-5)
    }
  }

  /// Clipping switched on between fits is applied by the next fit's replays, as eagerly.
  @Test func optimizerSettingsChangedBetweenFitsAreApplied() throws {
    func run(_ mode: JitCompile) throws -> [[Float]] {
      let (x, y) = try CompiledStepTests.data()
      return try withRandomSeed(6) {
        let model = CompiledStepTests.model(dropout: false)
        let adam = Adam(learningRate: 0.05)
        try model.compile(
          optimizer: adam, loss: SparseCategoricalCrossentropy(fromLogits: true),
          jitCompile: mode)
        try model.fit(x, y, batchSize: 50, epochs: 1, verbose: 0, shuffle: false)
        adam.clipvalue = 1e-4
        try model.fit(x, y, batchSize: 50, epochs: 1, verbose: 0, shuffle: false)
        return try model.weights.map { try $0.value.scalars(Float.self) }
      }
    }
    #expect(try run(.off) == run(.on))
  }

  /// A value assigned to a variable in the step is assigned in every replay, and reads after
  /// it see it.
  @Test func anAssignedValueIsAssignedEveryCall() throws {
    let counter = Variable(try Tensor([Float(5)], shape: [1]))
    let step = compiled { inputs in
      try counter.assign(Tensor([Float(1)], shape: [1]))
      try counter.assign(Ops.add(counter.value, inputs[0]))
      return [try Ops.multiply(counter.value, Tensor.scalar(2))]
    }
    for value in 1...4 {
      let result = try step([try Tensor([Float(value)], shape: [1])])[0].floats()
      #expect(result == [Float(2 * (1 + value))])
      #expect(try counter.value.floats() == [Float(1 + value)])
    }
    #expect(step.statistics.replays == 2)
  }

  /// A value read before an update and used after it cannot be replayed (a replay has one
  /// memory per variable): `.auto` runs the step eagerly, with eager's results.
  @Test func aValueFromBeforeAnUpdateRunsEagerly() throws {
    let weight = Variable(try Tensor([Float(2), 3], shape: [2]))
    let sgd = SGD(learningRate: 0.5)
    let step = compiled(jitCompile: .auto) { inputs in
      let before = weight.value
      try sgd.apply([inputs[0]], to: [weight])
      return [try Ops.subtract(weight.value, before)]
    }
    for _ in 0..<4 {
      let delta = try step([try Tensor([Float(1), 2], shape: [2])])[0].floats()
      #expect(delta == [-0.5, -1])
    }
    #expect(step.statistics.replays == 0)
    #expect(step.statistics.refusal?.contains("before an update") == true)
  }

  /// A layer with a seed draws from a stream of its own per call: never frozen into a replay.
  @Test func aSeededLayerRunsEagerlyAsItWould() throws {
    func run(_ mode: JitCompile) throws -> [[Float]] {
      try withRandomSeed(4) {
        let noise = GaussianNoise(0.5, seed: 3)
        let step = compiled(jitCompile: mode) { inputs in [try noise(inputs[0], training: true)] }
        let zero = try Tensor([Float](repeating: 0, count: 4), shape: [4])
        return try (0..<4).map { _ in try step([zero])[0].floats() }
      }
    }
    let eager = try run(.off)
    #expect(try run(.auto) == eager)
    #expect(Set(eager.map(\.description)).count == 4)
  }

  /// An optimizer applied twice in a step (a GAN's two updates) takes two steps per replay.
  @Test func twoUpdatesInAStepTakeTwoSteps() throws {
    func run(_ mode: JitCompile) throws -> ([Float], Int) {
      let weight = Variable(try Tensor([Float(1), -1], shape: [2]))
      let adam = Adam(
        learningRateSchedule: ExponentialDecay(
          initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5))
      let step = compiled(jitCompile: mode) { inputs in
        try adam.apply([inputs[0]], to: [weight])
        try adam.apply([Ops.multiply(inputs[0], Tensor.scalar(-2))], to: [weight])
        return [weight.value]
      }
      for value in 1...5 {
        _ = try step([try Tensor([Float(value), 1], shape: [2])])
      }
      return (try weight.value.floats(), adam.iterations)
    }
    let eager = try run(.off)
    let replayed = try run(.on)
    #expect(replayed.0 == eager.0)
    #expect(replayed.1 == 10 && eager.1 == 10)
  }

  /// Under `.auto`, a host read inside the capture runs that call eagerly (once) and the step
  /// stays eager, with eager's results.
  @Test func aHostReadUnderAutoRunsEagerlyOnce() throws {
    let total = Variable(try Tensor([Float(0)], shape: [1]))
    let step = compiled(jitCompile: .auto) { inputs in
      let sum = try Ops.sum(inputs[0])
      let scale = try sum.item() > 10 ? 2.0 : 1.0
      try total.assign(Ops.add(total.value, Ops.multiply(sum, Tensor.scalar(scale))))
      return [sum]
    }
    for value in [1, 20, 3] {
      _ = try step([try Tensor([Float(value)], shape: [1])])
    }
    #expect(try total.value.floats() == [44])
    #expect(step.statistics.replays == 0)
    #expect(step.statistics.refusal?.contains("output of 'sum'") == true)
  }

  /// oneDNN declines some ops on NaN inputs at run time; a replay then runs them on the
  /// fallback, as an eager step does, instead of failing. (Past oneDNN's small-op threshold,
  /// so the op runs on oneDNN rather than its host kernels.)
  @Test func aRecordDeclinedInAReplayFallsBack() throws {
    guard Config.availableBackends.contains("onednn") else { return }
    let step = compiled { inputs in [try Ops.relu(Ops.exp(inputs[0]))] }
    let count = 1 << 15
    var values = [Float](repeating: 2, count: count)
    values[1] = .nan
    values[2] = 0
    let x = try Tensor(values, shape: [count])
    try withBackend("onednn") {
      for call in 0..<4 {
        let (out, statistics) = try Dispatcher.recordingStatistics {
          try step([x])[0].floats()
        }
        #expect(out[1].isNaN && out[2] == 1 && Swift.abs(out[0] - 7.389056) < 1e-4)
        // Every call, replays included, fell back for the NaN.
        #expect(statistics.fallbackCount(backend: "onednn") > 0, "call \(call)")
      }
    }
    #expect(step.statistics.replays == 2)
  }

  /// Loss weights changed between fits (constants of the recorded step) are used by the next
  /// fit's replays, as eagerly.
  @Test func lossWeightsChangedBetweenFitsAreUsed() throws {
    func run(_ mode: JitCompile) throws -> [[Float]] {
      try withRandomSeed(8) {
        let inputs = Input(shape: [4])
        let hidden = try Dense(6, activation: .relu)(inputs)
        let model = try Model(
          inputs: [inputs], outputs: [try Dense(2)(hidden), try Dense(1)(hidden)])
        try model.compile(
          optimizer: Adam(learningRate: 0.02), loss: ["mse", "mse"], lossWeights: [1, 1],
          jitCompile: mode)
        let x = try Ops.randomNormal([40, 4])
        let (a, b) = (try Ops.randomNormal([40, 2]), try Ops.randomNormal([40, 1]))
        try model.fit([x], [a, b], batchSize: 20, epochs: 2, verbose: 0, shuffle: false)
        try model.setLossWeights([0.1, 3])
        #expect(model.lossWeights == [0.1, 3])
        try model.fit([x], [a, b], batchSize: 20, epochs: 2, verbose: 0, shuffle: false)
        return try model.weights.map { try $0.value.floats() }
      }
    }
    #expect(try run(.off) == run(.on))
    #expect(throws: PlexusError.self) {
      try Sequential {
        Input(shape: [2])
        Dense(1)
      }.setLossWeights([1])
    }
  }
}

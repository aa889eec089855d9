import PlexusTestSupport
import Testing

@testable import Plexus

/// Compiled steps (capture and replay at the dispatcher) against eager ones: the same bits,
/// captures counted, per-step values bound, host reads refused.
@Suite struct CompiledStepTests {
  static var backends: [String] {
    Config.availableBackends.filter { ["reference", "openblas", "onednn"].contains($0) }
  }

  /// 200 samples of 12 features in 3 classes: batches of 32 leave a partial batch of 8.
  static func data() throws -> (Tensor, Tensor) {
    try withRandomSeed(5) {
      let x = try Ops.randomNormal([200, 12])
      let y = try Ops.cast(Ops.randomUniform([200], maxval: 3), to: .int32)
      return (x, y)
    }
  }

  static func model(dropout: Bool = true) -> Sequential {
    Sequential {
      Input(shape: [12])
      Dense(16, activation: .relu)
      if dropout { Dropout(0.3) }
      Dense(3)
    }
  }

  /// Trains the model from seed 9 and returns its weights' values, the loss history and the
  /// train step's statistics.
  static func train(
    backend: String, mode: JitCompile, runEagerly: Bool = false, epochs: Int = 3,
    optimizer: () -> Optimizer = { Adam(learningRate: 0.01) }, dropout: Bool = true
  ) throws -> (weights: [[Float]], losses: [Double], statistics: CompilationStatistics) {
    let (x, y) = try data()
    return try withRandomSeed(9) {
      let model = Self.model(dropout: dropout)
      model.backend = backend
      try model.compile(
        optimizer: optimizer(), loss: SparseCategoricalCrossentropy(fromLogits: true),
        metrics: ["accuracy"], runEagerly: runEagerly, jitCompile: mode)
      let history = try model.fit(x, y, batchSize: 32, epochs: epochs, verbose: 0)
      return (
        try model.weights.map { try $0.value.scalars(Float.self) }, history.history["loss"] ?? [],
        model.compilationStatistics["train"] ?? CompilationStatistics()
      )
    }
  }

  /// Three epochs with dropout and a partial last batch: compiled equals eager bit for bit on
  /// every backend, captured at most twice (the full batch and the partial one), and replayed
  /// for the rest.
  @Test(arguments: backends)
  func compiledTrainingEqualsEagerBitForBit(backend: String) throws {
    let eager = try Self.train(backend: backend, mode: .off)
    let compiled = try Self.train(backend: backend, mode: .on)
    #expect(eager.losses == compiled.losses)
    #expect(eager.weights == compiled.weights)
    #expect(eager.statistics.captures == 0 && eager.statistics.replays == 0)
    #expect(compiled.statistics.captures == 2, "\(compiled.statistics)")
    // 7 steps an epoch (6 full, 1 partial): 21 in all, of which 2 warm-ups and 2 captures.
    #expect(compiled.statistics.replays == 17, "\(compiled.statistics)")
    #expect(compiled.statistics.retraces == 1, "\(compiled.statistics)")
    let runEagerly = try Self.train(backend: backend, mode: .on, runEagerly: true)
    #expect(runEagerly.statistics.replays == 0 && runEagerly.weights == eager.weights)
  }

  /// A schedule changes the rate every step: the rate is bound at replay, so a compiled run
  /// equals an eager one and never captures again.
  @Test func aScheduleNeverRecaptures() throws {
    let schedule = {
      Adam(
        learningRateSchedule: ExponentialDecay(
          initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.5)) as Optimizer
    }
    let eager = try Self.train(backend: "reference", mode: .off, optimizer: schedule)
    let compiled = try Self.train(backend: "reference", mode: .on, optimizer: schedule)
    #expect(eager.losses == compiled.losses)
    #expect(eager.weights == compiled.weights)
    #expect(compiled.statistics.captures == 2 && compiled.statistics.retraces == 1)
  }

  /// SGD updates each variable with its own fused record: bound per variable, counted once.
  @Test func sgdWithMomentumReplaysAsEager() throws {
    let sgd = { SGD(learningRate: 0.05, momentum: 0.9) as Optimizer }
    let eager = try Self.train(backend: "openblas", mode: .off, optimizer: sgd)
    let compiled = try Self.train(backend: "openblas", mode: .on, optimizer: sgd)
    #expect(eager.weights == compiled.weights)
    #expect(compiled.statistics.replays > 0)
  }

  /// An optimizer whose update cannot be replayed (weight decay takes the rate as a constant)
  /// runs eagerly under `.auto`, saying why, and is an error under `.on`.
  @Test func anUnreplayableOptimizerRunsEagerlyOrFails() throws {
    let decayed = { Adam(learningRate: 0.01, weightDecay: 0.01) as Optimizer }
    let eager = try Self.train(backend: "reference", mode: .off, optimizer: decayed)
    let auto = try Self.train(backend: "reference", mode: .auto, optimizer: decayed)
    #expect(auto.weights == eager.weights)
    #expect(auto.statistics.replays == 0)
    #expect(auto.statistics.refusal?.contains("weight decay") == true)
    #expect {
      _ = try Self.train(backend: "reference", mode: .on, optimizer: decayed)
    } throws: { error in
      "\(error)".contains("cannot be compiled") && "\(error)".contains("weight decay")
    }
  }

  /// Under strict compilation a new signature after the first trace is an error naming what
  /// changed (the partial last batch).
  @Test func strictCompilationRefusesARetrace() throws {
    #expect {
      try Config.withStrictCompilation {
        _ = try Self.train(backend: "reference", mode: .on, epochs: 1)
      }
    } throws: { error in
      "\(error)".contains("traced again") && "\(error)".contains("(8, 12)")
    }
  }

  /// Weights set between replays (a user's assign, loaded weights) are what the next replay
  /// trains: the plan follows the variable's memory.
  @Test func weightsSetBetweenReplaysAreUsed() throws {
    func run(_ mode: JitCompile) throws -> [[Float]] {
      let (x, y) = try Self.data()
      return try withRandomSeed(3) {
        let model = Self.model(dropout: false)
        try model.compile(
          optimizer: Adam(learningRate: 0.01),
          loss: SparseCategoricalCrossentropy(fromLogits: true),
          jitCompile: mode)
        try model.fit(x, y, batchSize: 40, epochs: 2, verbose: 0, shuffle: false)
        let kept = model.getWeights()
        try model.setWeights(try kept.map { try Ops.multiply($0, Tensor.scalar(0.5)) })
        try model.fit(x, y, batchSize: 40, epochs: 2, verbose: 0, shuffle: false)
        return try model.weights.map { try $0.value.scalars(Float.self) }
      }
    }
    #expect(try run(.off) == run(.on))
  }

  /// Predict and evaluate compile too, and give what eager gives.
  @Test func predictAndEvaluateMatchEager() throws {
    let (x, y) = try Self.data()
    try withRandomSeed(4) {
      let model = Self.model()
      try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
      let compiled = try model.predict(x, batchSize: 16)
      let evaluated = try model.evaluate(x, y, batchSize: 16, verbose: 0)
      model.runEagerly = true
      #expect(try model.predict(x, batchSize: 16).floats() == compiled.floats())
      #expect(try model.evaluate(x, y, batchSize: 16, verbose: 0) == evaluated)
      #expect((model.compilationStatistics["predict"]?.replays ?? 0) > 0)
      #expect((model.compilationStatistics["test"]?.replays ?? 0) > 0)
    }
  }
}

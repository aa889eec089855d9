import Foundation
import Plexus
import Testing

/// `gradientAccumulationSteps` (Keras's `gradient_accumulation_steps`) in `fit`, from configs and
/// through `.keras` files; Keras's own numbers are checked by the `*_accumulate_*` cases of
/// `KerasOptimizerParityTests`.
@Suite struct GradientAccumulationTests {
  static func data() throws -> (Tensor, Tensor) {
    let x = (0..<96).map { Float(sin(Double($0) * 0.7)) }
    let y = (0..<32).map { Float(cos(Double($0) * 0.3)) }
    return (try Tensor(x, shape: [32, 3]), try Tensor(y, shape: [32, 1]))
  }

  static func model(_ optimizer: Optimizer, eager: Bool = false) throws -> Sequential {
    let model = Sequential(name: "accumulating") {
      Input(shape: [3])
      Dense(4, activation: .tanh, kernelInitializer: .constant(0.2), name: "hidden")
      Dense(1, kernelInitializer: .constant(-0.1), name: "out")
    }
    try model.compile(optimizer: optimizer, loss: "mse")
    model.runEagerly = eager
    return model
  }

  /// Plain SGD over two batches of 8 accumulated is one step on their 16 samples: the mean of
  /// two batch means is the mean over both.
  @Test func twoAccumulatedBatchesStepAsTheirUnion() throws {
    let (x, y) = try Self.data()
    let accumulated = try Self.model(SGD(learningRate: 0.1, gradientAccumulationSteps: 2))
    try accumulated.fit(x, y, batchSize: 8, epochs: 3, verbose: 0, shuffle: false)
    let whole = try Self.model(SGD(learningRate: 0.1))
    try whole.fit(x, y, batchSize: 16, epochs: 3, verbose: 0, shuffle: false)
    for (a, b) in zip(accumulated.weights, whole.weights) {
      for (p, q) in zip(try a.value.floats(), try b.value.floats()) {
        #expect(abs(p - q) <= 1e-6 + 1e-5 * abs(q), "\(a.path)")
      }
    }
    // Twelve batches, six updates; Keras's `iterations` counts the updates.
    #expect(accumulated.optimizer?.iterations == 6)
    #expect(accumulated.optimizer?.accumulatedSteps == 0)
    #expect(whole.optimizer?.iterations == 6)
  }

  /// Compiled steps cannot branch on the host's count, so they run eagerly: the same bits.
  @Test func compiledAndEagerFitsAgree() throws {
    let (x, y) = try Self.data()
    var results: [[Float]] = []
    for eager in [false, true] {
      let model = try Self.model(
        Adam(learningRate: 0.01, gradientAccumulationSteps: 3), eager: eager)
      try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false)
      results.append(try model.weights.flatMap { try $0.value.floats() })
      #expect(model.optimizer?.iterations == 5)
      #expect(model.optimizer?.accumulatedSteps == 1)
    }
    #expect(results[0] == results[1])
  }

  /// A `.keras` file keeps the accumulators and Keras's raw count, so training resumes mid-group.
  @Test func aSavedModelResumesMidGroup() throws {
    let (x, y) = try Self.data()
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("accumulate-\(UUID().uuidString).keras").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = try Self.model(Adam(learningRate: 0.01, gradientAccumulationSteps: 3))
    try first.fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false)
    #expect(first.optimizer?.iterations == 1 && first.optimizer?.accumulatedSteps == 1)
    try first.save(path)
    let loaded = try loadModel(path)
    let optimizer = try #require(loaded.optimizer)
    #expect(optimizer.gradientAccumulationSteps == 3)
    #expect(optimizer.iterations == 1 && optimizer.accumulatedSteps == 1)
    try first.fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false)
    try loaded.fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false)
    #expect(
      try first.weights.flatMap { try $0.value.floats() }
        == loaded.weights.flatMap { try $0.value.floats() })
  }

  /// Keras projects constrained variables after every `apply`, also one that only accumulates:
  /// a kernel that starts outside its constraint is inside it after the first batch.
  @Test func constraintsHoldAfterAnAccumulatingStep() throws {
    let (x, y) = try Self.data()
    let model = Sequential(name: "constrained") {
      Input(shape: [3])
      Dense(1, kernelInitializer: .constant(-0.5), kernelConstraint: NonNeg(), name: "out")
    }
    try model.compile(optimizer: SGD(learningRate: 0.1, gradientAccumulationSteps: 4), loss: "mse")
    _ = try model.trainOnBatch(x, y)
    #expect(model.optimizer?.iterations == 0 && model.optimizer?.accumulatedSteps == 1)
    let kernel = try #require(model.weights.first { $0.path.hasSuffix("kernel") })
    #expect(try kernel.value.floats() == [0, 0, 0])
  }

  /// 0 is Keras's falsy "off", as nil is: the same training, and the setting kept in the config.
  @Test func zeroStepsIsOff() throws {
    let (x, y) = try Self.data()
    let zero = try Self.model(SGD(learningRate: 0.1, gradientAccumulationSteps: 0))
    try zero.fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false)
    let plain = try Self.model(SGD(learningRate: 0.1))
    try plain.fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false)
    #expect(
      try zero.weights.flatMap { try $0.value.floats() }
        == plain.weights.flatMap { try $0.value.floats() })
    #expect(zero.optimizer?.iterations == 8)
    let config = try #require(zero.optimizer?.serialized.value)
    #expect(config["config"]?["gradient_accumulation_steps"]?.intValue == 0)
    let restored = try Optimizer.fromConfig(config)
    #expect(restored.gradientAccumulationSteps == 0)
    #expect(try restored.stateVariables(for: zero.trainableWeights).isEmpty)
  }

  /// Keras's raw count (updates × steps + accumulated), which the schedule reads, saturates
  /// rather than wrapping to a negative step when a hostile file gives a huge count.
  @Test func theRawCountSaturates() throws {
    let optimizer = SGD(
      learningRateSchedule: ExponentialDecay(
        initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5),
      gradientAccumulationSteps: 3)
    optimizer.iterations = Int.max / 2
    optimizer.accumulatedSteps = 2
    #expect(optimizer.learningRate == 0)
  }

  @Test func badSettingsAreRefusedNamingThem() throws {
    for steps in [1, -1, -4, Int.min, Int.max] {
      let optimizer = SGD(gradientAccumulationSteps: steps)
      #expect(throws: PlexusError.self, "\(steps)") { try optimizer.validateHyperparameters() }
    }
    let optimizer = Adam(gradientAccumulationSteps: 2)
    optimizer.accumulatedSteps = 2
    let text = thrownText { try optimizer.validateHyperparameters() } ?? ""
    #expect(text.contains("accumulatedSteps"), "\(text)")
    var config = Adam(gradientAccumulationSteps: 4).serialized.value
    #expect(config["config"]?["gradient_accumulation_steps"]?.intValue == 4)
    if case .object(var top) = config, case .object(var settings)? = top["config"] {
      settings["gradient_accumulation_steps"] = .int(1)
      top["config"] = .object(settings)
      config = .object(top)
    }
    #expect(throws: PlexusError.self) { try Optimizer.fromConfig(config) }
  }
}

import Foundation
import Plexus
import Testing

/// A custom schedule, to check that registered schedules save and load inside optimizer
/// configs.
private struct Halving: LearningRateSchedule {
  let every: Int
  func callAsFunction(_ step: Int) -> Double { 0.1 * pow(0.5, Double(step / every)) }
  var config: [String: ConfigValue] { ["every": .int(every)] }
}

/// The schedules against Keras 3 (`Tests/Fixtures/KerasOptimizers/schedules.json`, values
/// Keras computed in float64) and against settings Keras would refuse.
@Suite struct LearningRateScheduleTests {
  @Test func everyScheduleMatchesKerasAndWritesItsConfigBack() throws {
    let cases = try KerasOptimizerFixtures.cases("schedules")
    #expect(cases.count >= 12)
    var classes: Set<String> = []
    for (name, entry) in cases.sorted(by: { $0.key < $1.key }) {
      let keras = try #require(entry["schedule"])
      let schedule = try LearningRateSchedules.fromConfig(keras)
      classes.insert(schedule.className)
      let rewritten = schedule.serialized.value
      #expect(rewritten == keras, "\(name): \(KerasFixtures.differences(rewritten, keras))")
      let steps = try #require(entry["steps"]?.arrayValue).compactMap(\.intValue)
      let values = try #require(entry["values"]?.arrayValue).compactMap(\.doubleValue)
      #expect(steps.count == values.count && !steps.isEmpty)
      for (step, expected) in zip(steps, values) {
        // Relative, but with a floor: Keras takes the cosine in float32 even under float64, so
        // where a cosine decay nears its end (1 + cos ≈ 0) its own values carry float32's
        // cancellation error, which Plexus's float64 does not share.
        let value = schedule(step)
        let error = abs(value - expected) / max(abs(expected), 1e-3)
        #expect(error <= 1e-5, "\(name) at step \(step): \(value), Keras \(expected)")
      }
    }
    #expect(
      classes == [
        "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay",
        "CosineDecay", "CosineDecayRestarts",
      ])
  }

  @Test func theLastStepsGiveFiniteRatesWithoutTrapping() throws {
    let schedules: [any LearningRateSchedule] = [
      ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5, staircase: true),
      InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5),
      PolynomialDecay(initialLearningRate: 0.1, decaySteps: Int.max, cycle: true),
      PolynomialDecay(initialLearningRate: 0.1, decaySteps: 3, power: 0.5, cycle: true),
      CosineDecay(initialLearningRate: 0, decaySteps: Int.max, warmupTarget: 1, warmupSteps: .max),
      PiecewiseConstantDecay(boundaries: [Int.min, Int.max], values: [1, 2, 3]),
      CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: 1),
      CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: 1, tMul: 1, mMul: 0.5),
    ]
    for schedule in schedules {
      try schedule.validate()
      for step in [0, 1, Int.max - 1, Int.max] {
        let value = schedule(step)
        #expect(value.isFinite && value >= 0, "\(schedule.className) at \(step): \(value)")
      }
    }
    let cosine = CosineDecay(initialLearningRate: 0.1, decaySteps: 10, alpha: 0.2)
    #expect(abs(cosine(.max) - 0.02) < 1e-12)
  }

  @Test func invalidSettingsAreClearErrors() throws {
    let invalid: [(any LearningRateSchedule, String)] = [
      (ExponentialDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9), "decaySteps"),
      (ExponentialDecay(initialLearningRate: -0.1, decaySteps: 1, decayRate: 0.9), "initial"),
      (ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: .nan), "decayRate"),
      (InverseTimeDecay(initialLearningRate: 0.1, decaySteps: -5, decayRate: 1), "decaySteps"),
      (InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: -1), "decayRate"),
      (PolynomialDecay(initialLearningRate: .infinity, decaySteps: 1), "initialLearningRate"),
      (PolynomialDecay(initialLearningRate: 1, decaySteps: 1, power: -2), "power"),
      (PolynomialDecay(initialLearningRate: 1, decaySteps: 1, endLearningRate: -1), "end"),
      (CosineDecay(initialLearningRate: 0.1, decaySteps: 0), "decaySteps"),
      (CosineDecay(initialLearningRate: 0.1, decaySteps: 5, alpha: .nan), "alpha"),
      (CosineDecay(initialLearningRate: 0, decaySteps: 5, warmupTarget: -1), "warmupTarget"),
      (CosineDecay(initialLearningRate: 0, decaySteps: 5, warmupSteps: -1), "warmupSteps"),
      (PiecewiseConstantDecay(boundaries: [], values: [0.1]), "boundar"),
      (PiecewiseConstantDecay(boundaries: [10], values: [0.1]), "boundar"),
      (PiecewiseConstantDecay(boundaries: [10, 5], values: [1, 2, 3]), "increasing"),
      (PiecewiseConstantDecay(boundaries: [10], values: [1, -2]), "value"),
    ]
    for (schedule, word) in invalid {
      #expect(throws: PlexusError.self) { try schedule.validate() }
      #expect {
        try schedule.validate()
      } throws: { "\($0)".contains(word) && "\($0)".contains(schedule.className) }
      // An optimizer refuses to step with it, and changes nothing.
      let optimizer = SGD(learningRateSchedule: schedule)
      let w = Variable(try Tensor([Float(1)]), name: "w")
      #expect(throws: PlexusError.self) { try optimizer.apply([Tensor([Float(1)])], to: [w]) }
      #expect(optimizer.iterations == 0)
    }
  }

  @Test func hostileConfigsAreClearErrors() throws {
    func config(_ className: String, _ members: [String: ConfigValue]) -> ConfigValue {
      [
        "module": "keras.optimizers.schedules", "class_name": .string(className),
        "config": .object(members), "registered_name": .null,
      ]
    }
    let cases: [(ConfigValue, String)] = [
      (
        config("ExponentialDecay", ["initial_learning_rate": 0.1, "decay_rate": 0.5]),
        "decay_steps"
      ),
      (
        config(
          "ExponentialDecay",
          ["initial_learning_rate": 0.1, "decay_steps": 1e30, "decay_rate": 0.5]), "decay_steps"
      ),
      (
        config(
          "ExponentialDecay",
          ["initial_learning_rate": 0.1, "decay_steps": 2.5, "decay_rate": 0.5]), "decay_steps"
      ),
      (
        config(
          "InverseTimeDecay",
          ["initial_learning_rate": "fast", "decay_steps": 1, "decay_rate": 0.5]),
        "initial_learning_rate"
      ),
      (config("CosineDecay", ["initial_learning_rate": 0.1, "decay_steps": -3]), "decaySteps"),
      (config("PiecewiseConstantDecay", ["boundaries": [1.5], "values": [1, 2]]), "boundaries"),
      (config("PiecewiseConstantDecay", ["boundaries": [1, 2], "values": [1, 2]]), "boundar"),
      (
        config(
          "PolynomialDecay",
          ["initial_learning_rate": 0.1, "decay_steps": 10, "warmup": 3]), "warmup"
      ),
      (
        config("WarmRestarts", ["initial_learning_rate": 0.1, "first_decay_steps": 10]),
        "LearningRateSchedules.registry"
      ),
      (
        config("CosineDecayRestarts", ["initial_learning_rate": 0.1, "first_decay_steps": 0]),
        "decaySteps"
      ),
      (
        config(
          "CosineDecayRestarts",
          ["initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": -2]), "tMul"
      ),
      (
        config(
          "CosineDecayRestarts",
          ["initial_learning_rate": 0.1, "first_decay_steps": 10, "m_mul": .double(.nan)]), "mMul"
      ),
    ]
    for (value, word) in cases {
      #expect {
        _ = try LearningRateSchedules.fromConfig(value)
      } throws: { "\($0)".contains(word) }
      // Inside an optimizer config too.
      var adam = try #require(Adam().serialized.value.objectValue)
      var members = try #require(adam["config"]?.objectValue)
      members["learning_rate"] = value
      adam["config"] = .object(members)
      #expect { _ = try Optimizer.fromConfig(.object(adam)) } throws: { "\($0)".contains(word) }
    }
  }

  @Test func anOptimizerEvaluatesItsScheduleAtItsIterations() throws {
    let schedule = ExponentialDecay(initialLearningRate: 1, decaySteps: 1, decayRate: 0.5)
    let optimizer = SGD(learningRateSchedule: schedule)
    let w = Variable(try Tensor([Float(0)]), name: "w")
    for expected in [-1.0, -1.5, -1.75] {
      try optimizer.apply([Tensor([Float(1)])], to: [w])
      #expect(try w.value.scalars(Float.self) == [Float(expected)])
    }
    #expect(optimizer.learningRate == 0.125)
    #expect(optimizer.config["learning_rate"] == schedule.serialized.value)
    // Setting a rate fixes it and drops the schedule.
    optimizer.learningRate = 0.01
    #expect(optimizer.learningRateSchedule == nil)
    #expect(optimizer.config["learning_rate"] == .double(Double(Float(0.01))))
  }

  @Test func aRateThatOverflowsIsAnErrorAtTheStepItOverflows() throws {
    let schedule = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 2)
    let optimizer = SGD(learningRateSchedule: schedule)
    let w = Variable(try Tensor([Float(0)]), name: "w")
    optimizer.iterations = 2000
    #expect {
      try optimizer.apply([Tensor([Float(1)])], to: [w])
    } throws: { "\($0)".contains("ExponentialDecay at step 2000") }
    #expect(try w.value.scalars(Float.self) == [0])
  }

  @Test func aRegisteredScheduleSavesAndLoadsInsideAnOptimizer() throws {
    LearningRateSchedules.registry.register("Halving", package: "PlexusTests") { config in
      let made = Halving(every: try config.int("every"))
      try config.finish()
      return made
    }
    defer { LearningRateSchedules.registry.unregister("PlexusTests>Halving") }
    let optimizer = Adam(learningRateSchedule: Halving(every: 2))
    let saved = optimizer.serialized.value
    #expect(saved["config"]?["learning_rate"]?["registered_name"] == "PlexusTests>Halving")
    let loaded = try Optimizer.fromConfig(saved)
    #expect(loaded.serialized.value == saved)
    loaded.iterations = 4
    #expect(loaded.learningRate == 0.025)
  }
}

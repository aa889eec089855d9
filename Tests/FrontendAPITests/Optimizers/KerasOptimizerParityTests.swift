import Foundation
import Plexus
import Testing

/// Every optimizer case of `Tests/Fixtures/KerasOptimizers` against Keras 3: the config Keras
/// wrote rebuilds the optimizer (`Optimizer.fromConfig`) and is written back unchanged; three
/// fixed gradient steps on a Dense(4, relu) → Dense(2) model give Keras's weights after each
/// step and after `finalizeVariableValues` (what `fit` calls at its end); and
/// `stateVariables(for:)` lists Keras's `optimizer.variables` (less iterations and
/// learning_rate) in Keras's order, with Keras's values.
///
/// Keras computed in float64 on float32 inputs; Plexus computes in float32. Each element must
/// lie within `tolerance · max(|keras|, 1)` of Keras's value. With `PLEXUS_PARITY_REPORT=1` each
/// case prints the largest error it saw.
@Suite struct KerasOptimizerParityTests {
  static let tolerance = 1e-5

  @Test func fixturesArePresent() {
    #expect(KerasOptimizerFixtures.names().count >= 14)
  }

  /// Each case twice: state created lazily by the first step, and state created first by
  /// `stateVariables(for:)` (as loading a saved optimizer does), which must be the same.
  @Test(arguments: KerasOptimizerFixtures.names(), [false, true])
  func matchesKeras(_ name: String, stateFirst: Bool) throws {
    let fixture = try KerasOptimizerFixtures.load(name)
    let optimizer = try Optimizer.fromConfig(fixture.optimizer)
    let rewritten = optimizer.serialized.value
    #expect(
      rewritten == fixture.optimizer,
      "\(name): \(KerasFixtures.differences(rewritten, fixture.optimizer))")
    #expect((optimizer.learningRateSchedule == nil) == fixture.learningRateVariable)

    let variables = try Self.model(fixture.variables)
    let early = stateFirst ? try optimizer.stateVariables(for: variables) : []
    var errors: [(String, Double)] = []
    for (step, gradients) in fixture.gradients.enumerated() {
      try optimizer.apply(gradients.map { try $0.tensor }, to: variables)
      for (index, variable) in variables.enumerated() {
        let error = try KerasOptimizerFixtures.error(variable.value, fixture.weights[step][index])
        errors.append(("step \(step + 1) \(variable.path)", error))
      }
    }
    try optimizer.finalizeVariableValues(variables)
    for (variable, expected) in zip(variables, fixture.finalized) {
      errors.append(
        ("final \(variable.path)", try KerasOptimizerFixtures.error(variable.value, expected)))
    }
    #expect(optimizer.iterations == fixture.iterations)
    let steps = optimizer.gradientAccumulationSteps ?? 1
    #expect(
      optimizer.iterations * steps + optimizer.accumulatedSteps == fixture.rawIterations,
      "\(name): \(optimizer.iterations) updates and \(optimizer.accumulatedSteps) accumulated")

    let state = try optimizer.stateVariables(for: variables)
    if stateFirst {
      #expect(state.count == early.count && zip(state, early).allSatisfy { $0 === $1 })
    }
    #expect(state.count == fixture.state.count, "\(name): state count")
    for (variable, expected) in zip(state, fixture.state) {
      if let owner = expected.variable {
        #expect(
          variable.name == "\(variables[owner].path)_\(expected.slot)",
          "\(name): \(variable.name) where Keras has \(expected.name)")
      }
      errors.append(
        (
          "state \(expected.name)",
          try KerasOptimizerFixtures.error(variable.value, expected.values)
        ))
    }
    Self.check(name, errors)
  }

  /// Training resumes exactly: the state after two steps, copied into a new optimizer made
  /// from the config (with `iterations` and `accumulatedSteps` set back), gives Keras's third
  /// step.
  @Test(arguments: KerasOptimizerFixtures.names())
  func resumesFromSavedState(_ name: String) throws {
    let fixture = try KerasOptimizerFixtures.load(name)
    let first = try Optimizer.fromConfig(fixture.optimizer)
    let variables = try Self.model(fixture.variables)
    for gradients in fixture.gradients.prefix(2) {
      try first.apply(gradients.map { try $0.tensor }, to: variables)
    }
    let saved = try first.stateVariables(for: variables).map(\.value)

    let resumed = try Optimizer.fromConfig(fixture.optimizer)
    let restored = try resumed.stateVariables(for: variables)
    #expect(restored.count == saved.count)
    for (variable, value) in zip(restored, saved) { try variable.assign(value) }
    resumed.iterations = first.iterations
    resumed.accumulatedSteps = first.accumulatedSteps
    try resumed.apply(fixture.gradients[2].map { try $0.tensor }, to: variables)
    var errors: [(String, Double)] = []
    for (variable, expected) in zip(variables, fixture.weights[2]) {
      errors.append((variable.path, try KerasOptimizerFixtures.error(variable.value, expected)))
    }
    Self.check("\(name) resumed", errors)
  }

  /// Every config of `configs.json` (Keras's defaults for each name, and optimizers with every
  /// setting, schedules among them) loads and is written back unchanged.
  @Test func configsRoundTrip() throws {
    let cases = try KerasOptimizerFixtures.cases("configs")
    #expect(cases.count >= 18)
    for (name, keras) in cases.sorted(by: { $0.key < $1.key }) {
      let optimizer = try Optimizer.fromConfig(keras)
      let rewritten = optimizer.serialized.value
      #expect(rewritten == keras, "\(name): \(KerasFixtures.differences(rewritten, keras))")
      if name.hasSuffix("_defaults"), let short = keras["config"]?["name"]?.stringValue {
        // keras.optimizers.get(name) and Optimizer.named(name) agree.
        let named = try Optimizer.named(String(name.dropLast("_defaults".count)))
        #expect(named.serialized.value == keras, "\(name) by name (\(short))")
      }
    }
  }

  /// Keras's Dense(4, relu) → Dense(2) on 3 features with the fixture's initial weights; its
  /// trainable variables in Keras's order.
  static func model(_ initial: [KerasOptimizerFixtures.Values]) throws -> [Variable] {
    let model = Sequential {
      Input(shape: [3])
      Dense(4, activation: .relu)
      Dense(2)
    }
    try model.setWeights(initial.map { try $0.tensor })
    return model.trainableWeights
  }

  static func check(_ name: String, _ errors: [(String, Double)]) {
    for (what, error) in errors {
      #expect(error <= tolerance, "\(name) \(what): error \(error)")
    }
    if ProcessInfo.processInfo.environment["PLEXUS_PARITY_REPORT"] != nil {
      let worst = errors.max { $0.1 < $1.1 }.map { "\($0.0) \($0.1)" } ?? "-"
      print("parity \(name): largest error \(worst)")
    }
  }
}

import Foundation
import Plexus

/// The optimizer and schedule parity fixtures that `Tests/Fixtures/KerasOptimizers/generate.sh`
/// writes with Keras 3, found from this file's path so that tests need neither Python nor a
/// working directory.
enum KerasOptimizerFixtures {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Optimizers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasOptimizers")

  /// A tensor as the fixtures hold it: float32 for Plexus, the float64 values for comparing.
  struct Values {
    let shape: Shape
    let values: [Double]

    var tensor: Tensor {
      get throws { try Tensor(values.map { Float($0) }, shape: shape) }
    }
  }

  /// One entry of Keras's `optimizer.variables` (less iterations and learning_rate).
  struct State {
    /// Keras's name (`"sequential_dense_kernel_momentum"`).
    let name: String
    /// The index of the model variable the slot belongs to; nil for optimizer-wide state.
    let variable: Int?
    /// The slot name (`"momentum"`, `"average"`, `"velocity_hat"`).
    let slot: String
    let values: Values
  }

  /// One case: an optimizer config, a model's initial weights, three gradient steps and what
  /// Keras computed from them.
  struct Case {
    let name: String
    let optimizer: ConfigValue
    let variables: [Values]
    let gradients: [[Values]]
    let weights: [[Values]]
    let finalized: [Values]
    let iterations: Int
    /// Keras's raw step count (`_iterations`): with gradient accumulation, every step.
    let rawIterations: Int
    let learningRateVariable: Bool
    let state: [State]
  }

  /// The optimizer case names: every JSON file but `schedules.json` and `configs.json`.
  static func names() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
      .filter { $0 != "schedules" && $0 != "configs" }.sorted()
  }

  /// A whole fixture file, parsed.
  static func root(_ name: String) throws -> ConfigValue {
    let url = directory.appendingPathComponent(name + ".json")
    return try ConfigValue(json: String(contentsOf: url, encoding: .utf8))
  }

  /// The `cases` object of `schedules.json` or `configs.json`.
  static func cases(_ file: String) throws -> [String: ConfigValue] {
    guard let cases = try root(file)["cases"]?.objectValue else {
      throw PlexusError.invalidState(context: "fixture \(file)", message: "no 'cases' object")
    }
    return cases
  }

  static func values(_ value: ConfigValue?, _ what: String) throws -> Values {
    guard let dims = value?["shape"]?.shapeValue, let entries = value?["values"]?.arrayValue
    else { throw PlexusError.invalidState(context: "fixture", message: "\(what) is no tensor") }
    let numbers = entries.compactMap(\.doubleValue)
    guard numbers.count == entries.count, numbers.count == Shape(dims).elementCount else {
      throw PlexusError.invalidState(
        context: "fixture", message: "\(what) holds \(entries.count) values for shape \(dims)")
    }
    return Values(shape: Shape(dims), values: numbers)
  }

  static func load(_ name: String) throws -> Case {
    let root = try root(name)
    func fail(_ what: String) -> PlexusError {
      PlexusError.invalidState(context: "fixture \(name)", message: what)
    }
    func list(_ value: ConfigValue?, _ what: String) throws -> [Values] {
      guard let entries = value?.arrayValue else { throw fail("\(what) is not a list") }
      return try entries.enumerated().map { try values($1, "\(what)[\($0)]") }
    }
    func steps(_ key: String) throws -> [[Values]] {
      guard let entries = root[key]?.arrayValue else { throw fail("\(key) is not a list") }
      return try entries.enumerated().map { try list($1, "\(key)[\($0)]") }
    }
    guard let optimizer = root["optimizer"], let iterations = root["iterations"]?.intValue,
      let hasRate = root["learning_rate_variable"]?.boolValue,
      let stateEntries = root["state"]?.arrayValue
    else { throw fail("lacks optimizer, iterations, learning_rate_variable or state") }
    let state = try stateEntries.enumerated().map { index, entry in
      guard let name = entry["name"]?.stringValue, let slot = entry["slot"]?.stringValue else {
        throw fail("state[\(index)] lacks name or slot")
      }
      return State(
        name: name, variable: entry["variable"]?.intValue, slot: slot,
        values: try values(entry, "state[\(index)]"))
    }
    return Case(
      name: name, optimizer: optimizer, variables: try list(root["variables"], "variables"),
      gradients: try steps("gradients"), weights: try steps("weights"),
      finalized: try list(root["finalized"], "finalized"), iterations: iterations,
      rawIterations: root["raw_iterations"]?.intValue ?? iterations, learningRateVariable: hasRate,
      state: state)
  }

  /// The largest `|plexus - keras| / max(|keras|, 1)` over the elements, or infinity when the
  /// shapes differ.
  static func error(_ plexus: Tensor, _ keras: Values) throws -> Double {
    guard plexus.shape == keras.shape else { return .infinity }
    let computed = try plexus.cast(to: .float64).scalars(Double.self)
    return zip(computed, keras.values).reduce(0) { worst, pair in
      Swift.max(worst, Swift.abs(pair.0 - pair.1) / Swift.max(Swift.abs(pair.1), 1))
    }
  }
}

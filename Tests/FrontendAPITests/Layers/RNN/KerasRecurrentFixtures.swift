import Foundation
import Plexus

/// The recurrent-layer fixtures that `Tests/Fixtures/KerasRecurrent/generate.sh` writes with
/// Keras 3: one JSON file per layer case, and `.keras` model files with Keras's predictions.
enum KerasRecurrentFixtures {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // RNN
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasRecurrent")

  /// The saved-model cases (a `.keras` file and a JSON record each).
  static let models = [
    "lstm_model", "bidirectional_gru_model", "seq2seq_model", "bidirectional_seq2seq_model",
  ]

  /// One layer case: a Keras layer, its weights, an input and what Keras computed.
  struct Fixture {
    let layer: ConfigValue
    let input: KerasLayerFixtures.Values
    /// Keras's weight paths (`"lstm/lstm_cell/kernel"`), in Keras's order.
    let weightPaths: [String]
    let weights: [KerasLayerFixtures.Values]
    /// What Keras's call returns, as a list.
    let outputs: [KerasLayerFixtures.Values]
    let cotangents: [KerasLayerFixtures.Values]
    let inputGradient: KerasLayerFixtures.Values
    /// By trainable weight, in Keras's order.
    let weightGradients: [KerasLayerFixtures.Values]
  }

  /// The layer case names: every JSON file without a `.keras` twin, sorted.
  static func names() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
      .filter { !models.contains($0) }.sorted()
  }

  static func load(_ name: String) throws -> Fixture {
    let url = directory.appendingPathComponent(name + ".json")
    let root = try ConfigValue(json: String(contentsOf: url, encoding: .utf8))
    func fail(_ what: String) -> PlexusError {
      PlexusError.invalidState(context: "fixture \(name)", message: what)
    }
    func values(_ value: ConfigValue?, _ what: String) throws -> KerasLayerFixtures.Values {
      guard let dims = value?["shape"]?.shapeValue, let entries = value?["values"]?.arrayValue
      else { throw fail("\(what) is not a tensor") }
      let numbers = entries.compactMap(\.doubleValue)
      guard numbers.count == entries.count, numbers.count == Shape(dims).elementCount else {
        throw fail("\(what) holds \(entries.count) values for shape \(dims)")
      }
      return KerasLayerFixtures.Values(shape: Shape(dims), values: numbers)
    }
    func list(_ value: ConfigValue?, _ what: String) throws -> [KerasLayerFixtures.Values] {
      try (value?.arrayValue ?? []).enumerated().map { try values($1, "\(what)[\($0)]") }
    }
    guard let layer = root["layer"], let weights = root["weights"]?.arrayValue else {
      throw fail("lacks layer or weights")
    }
    return Fixture(
      layer: layer, input: try values(root["input"], "input"),
      weightPaths: weights.compactMap { $0["path"]?.stringValue },
      weights: try list(root["weights"], "weights"),
      outputs: try list(root["outputs"], "outputs"),
      cotangents: try list(root["cotangents"], "cotangents"),
      inputGradient: try values(root["gradients"]?["input"], "gradients.input"),
      weightGradients: try list(root["gradients"]?["weights"], "gradients.weights"))
  }

  /// What Keras's call returns, as a list, for the recurrent layers and for any other layer.
  static func call(_ layer: Layer, _ x: Tensor) throws -> [Tensor] {
    if let recurrent = layer as? RNN { return try recurrent.callWithStates(x) }
    if let bidirectional = layer as? Bidirectional { return try bidirectional.callWithStates(x) }
    return [try layer(x)]
  }
}

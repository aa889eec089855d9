import Foundation
import Plexus

/// The attention fixtures that `Tests/Fixtures/KerasAttention/generate.sh` writes with Keras 3:
/// one JSON file per MultiHeadAttention case, and a `.keras` model file with Keras's predictions.
enum KerasAttentionFixtures {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Attention
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasAttention")

  /// The saved-model cases (a `.keras` file and a JSON record each).
  static let models = [
    "attention_block", "attention_scores_model", "attention_mask_model", "luong_attention_model",
  ]

  /// One layer case: a Keras layer, its weights, its inputs and what Keras computed.
  struct Fixture {
    let layer: ConfigValue
    /// Query, value and, when the case passes one, key.
    let inputs: [KerasLayerFixtures.Values]
    let attentionMask: KerasLayerFixtures.Values?
    let useCausalMask: Bool
    /// Keras's weight paths (`"self_attention/query/kernel"`), in Keras's order.
    let weightPaths: [String]
    let weights: [KerasLayerFixtures.Values]
    /// The attention output and the attention scores.
    let outputs: [KerasLayerFixtures.Values]
    let cotangents: [KerasLayerFixtures.Values]
    /// By input, in the order of `inputs`.
    let inputGradients: [KerasLayerFixtures.Values]
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
      layer: layer, inputs: try list(root["inputs"], "inputs"),
      attentionMask: try root["attention_mask"].map { try values($0, "attention_mask") },
      useCausalMask: root["use_causal_mask"]?.boolValue ?? false,
      weightPaths: weights.compactMap { $0["path"]?.stringValue },
      weights: try list(root["weights"], "weights"),
      outputs: try list(root["outputs"], "outputs"),
      cotangents: try list(root["cotangents"], "cotangents"),
      inputGradients: try list(root["gradients"]?["inputs"], "gradients.inputs"),
      weightGradients: try list(root["gradients"]?["weights"], "gradients.weights"))
  }
}

import Foundation
import Plexus

/// The parity fixtures of the second batch of layers, which
/// `Tests/Fixtures/KerasLayers2/generate.sh` writes with Keras 3: like ``KerasLayerFixtures``,
/// with several inputs of their own dtypes (int32 ids for Embedding), the mask Keras computed,
/// and the data a Normalization adapted to.
enum KerasLayer2Fixtures {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasLayers2")

  typealias Values = KerasLayerFixtures.Values

  /// One case: a Keras layer, its weights, its inputs and what Keras computed from them.
  struct Fixture {
    let layer: ConfigValue
    let inputs: [Tensor]
    let cotangent: Values
    let weightOrder: [String]
    /// The weights as tensors of their dtypes.
    let weights: [String: Tensor]
    let adaptData: Tensor?
    let output: Values
    let mask: Values?
    /// By trainable weight name, and `"input_<i>"` for each floating-point input.
    let gradients: [String: Values]
    /// The call's keyword options (Attention's `use_causal_mask`).
    let callOptions: [String: ConfigValue]
    /// The masks passed to the call (Attention's `[query mask, value mask]`), when any.
    let inputMasks: [Tensor?]?
  }

  /// The layer cases: every JSON file holding a `layer`, sorted.
  static func names() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") && $0 != "embedding_model.json" }
      .map { String($0.dropLast(5)) }.sorted()
  }

  static func load(_ name: String) throws -> Fixture {
    let url = directory.appendingPathComponent(name + ".json")
    let root = try ConfigValue(json: String(contentsOf: url, encoding: .utf8))
    func fail(_ what: String) -> PlexusError {
      PlexusError.invalidState(context: "fixture \(name)", message: what)
    }
    func values(_ value: ConfigValue?, _ what: String) throws -> Values {
      guard let dims = value?["shape"]?.shapeValue, let entries = value?["values"]?.arrayValue
      else { throw fail("\(what) is not a tensor") }
      let numbers = entries.compactMap(\.doubleValue)
      guard numbers.count == entries.count, numbers.count == Shape(dims).elementCount else {
        throw fail("\(what) holds \(entries.count) values for shape \(dims)")
      }
      return Values(shape: Shape(dims), values: numbers)
    }
    func tensor(_ value: ConfigValue?, _ what: String) throws -> Tensor {
      let parsed = try values(value, what)
      switch value?["dtype"]?.stringValue {
      case "int32": return try Tensor(parsed.values.map { Int32($0) }, shape: parsed.shape)
      case "bool": return try parsed.tensor.cast(to: .bool)
      default: return try parsed.tensor
      }
    }
    guard let layer = root["layer"], let order = root["weight_order"]?.arrayValue else {
      throw fail("lacks layer or weight_order")
    }
    var weights: [String: Tensor] = [:]
    for (key, value) in root["weights"]?.objectValue ?? [:] {
      weights[key] = try tensor(value, "weights.\(key)")
    }
    var gradients: [String: Values] = [:]
    for (key, value) in root["gradients"]?.objectValue ?? [:] {
      gradients[key] = try values(value, "gradients.\(key)")
    }
    return Fixture(
      layer: layer,
      inputs: try (root["inputs"]?.arrayValue ?? []).enumerated().map {
        try tensor($0.element, "inputs.\($0.offset)")
      },
      cotangent: try values(root["cotangent"], "cotangent"),
      weightOrder: order.compactMap(\.stringValue), weights: weights,
      adaptData: try root["adapt_data"].map { try tensor($0, "adapt_data") },
      output: try values(root["output"], "output"),
      mask: try root["mask"].map { try values($0, "mask") }, gradients: gradients,
      callOptions: root["call_options"]?.objectValue ?? [:],
      inputMasks: try root["input_masks"]?.arrayValue.map { masks in
        try masks.enumerated().map { $0.element.isNull ? nil : try tensor($0.element, "mask") }
      })
  }
}

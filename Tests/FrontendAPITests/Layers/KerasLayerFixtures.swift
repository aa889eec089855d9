import Foundation
import Plexus

/// The layer parity fixtures that `Tests/Fixtures/KerasLayers/generate.sh` writes with Keras 3
/// (one JSON file per case), found from this file's path so that tests need neither Python nor
/// a working directory.
enum KerasLayerFixtures {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasLayers")

  /// A tensor as the fixtures hold it: float32 for Plexus, the float64 values for comparing.
  struct Values {
    let shape: Shape
    let values: [Double]

    var tensor: Tensor {
      get throws { try Tensor(values.map { Float($0) }, shape: shape) }
    }
  }

  /// One case: a Keras layer, its weights, an input and what Keras computed from them.
  struct Fixture {
    let name: String
    /// The layer as Keras serialized it (`serialize_keras_object`).
    let layer: ConfigValue
    let training: Bool
    let input: Values
    let cotangent: Values
    /// Weight names in Keras's order.
    let weightOrder: [String]
    let weights: [String: Values]
    let output: Values
    /// By trainable weight name, and `"input"`.
    let gradients: [String: Values]
    /// The non-trainable weights after the call (BatchNormalization's moving statistics).
    let updatedWeights: [String: Values]
    /// The output of an inference call after the training call, if the case has one.
    let inferenceOutput: Values?
  }

  /// The case names: every JSON file of the directory, sorted.
  static func names() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  static func load(_ name: String) throws -> Fixture {
    let url = directory.appendingPathComponent(name + ".json")
    let root = try ConfigValue(json: String(contentsOf: url, encoding: .utf8))
    func fail(_ what: String) -> PlexusError {
      PlexusError.invalidState(context: "fixture \(name)", message: what)
    }
    func values(_ value: ConfigValue?, _ what: String) throws -> Values {
      guard let dims = value?["shape"]?.shapeValue,
        let entries = value?["values"]?.arrayValue
      else { throw fail("\(what) is not a tensor") }
      let numbers = entries.compactMap(\.doubleValue)
      guard numbers.count == entries.count, numbers.count == Shape(dims).elementCount else {
        throw fail("\(what) holds \(entries.count) values for shape \(dims)")
      }
      return Values(shape: Shape(dims), values: numbers)
    }
    func group(_ key: String) throws -> [String: Values] {
      guard let members = root[key]?.objectValue else { return [:] }
      var result: [String: Values] = [:]
      for (member, value) in members { result[member] = try values(value, "\(key).\(member)") }
      return result
    }
    guard let layer = root["layer"], let training = root["training"]?.boolValue,
      let order = root["weight_order"]?.arrayValue
    else { throw fail("lacks layer, training or weight_order") }
    return Fixture(
      name: name, layer: layer, training: training, input: try values(root["input"], "input"),
      cotangent: try values(root["cotangent"], "cotangent"),
      weightOrder: order.compactMap(\.stringValue), weights: try group("weights"),
      output: try values(root["output"], "output"), gradients: try group("gradients"),
      updatedWeights: try group("updated_weights"),
      inferenceOutput: try root["inference_output"].map { try values($0, "inference_output") })
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

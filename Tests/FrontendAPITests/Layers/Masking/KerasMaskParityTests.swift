import Foundation
import Plexus
import Testing

/// Masks through whole models, against Keras 3 (`Tests/Fixtures/KerasMasks/generate.sh`): an
/// Embedding with `mask_zero` or a Masking layer makes the mask; recurrent layers (forwards,
/// backwards, bidirectional), attention and GlobalAveragePooling1D honour it; the loss weighs
/// masked steps 0. The `.keras` files Keras saved load here and predict, evaluate and train one
/// step as Keras did.
@Suite struct KerasMaskParityTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Masking
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasMasks")

  static let cases = [
    "embedding_lstm_sequence", "embedding_gru_last", "embedding_average_pooling",
    "embedding_bidirectional", "embedding_attention", "embedding_self_attention",
    "embedding_causal_attention", "embedding_lstm_batch_norm", "masking_simple_rnn_backwards",
  ]

  struct Values {
    let shape: [Int]
    let values: [Double]
  }

  private static func values(_ object: Any?) throws -> Values {
    let entry = try #require(object as? [String: Any])
    let shape = try #require(entry["shape"] as? [Int])
    let values = try #require(entry["values"] as? [Double])
    return Values(shape: shape, values: values)
  }

  private static func close(
    _ got: [Float], _ expected: [Double], _ what: String, tolerance: Double = 1e-5
  ) {
    #expect(got.count == expected.count, "\(what): \(got.count) values, Keras \(expected.count)")
    let worst = zip(got, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(worst <= tolerance, "\(what): worst relative difference \(worst)")
  }

  @Test(arguments: cases)
  func aKerasModelWithMasksPredictsEvaluatesAndTrainsAsKeras(name: String) throws {
    try withBackend("reference") {
      let data = try Data(contentsOf: Self.directory.appendingPathComponent(name + ".json"))
      let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let model = try loadModel(Self.directory.appendingPathComponent(name + ".keras").path)
      let xValues = try Self.values(record["x"])
      let yValues = try Self.values(record["y"])
      let integer = name.hasPrefix("embedding")
      let x =
        integer
        ? try Tensor(xValues.values.map { Int32($0) }, shape: Shape(xValues.shape))
        : try Tensor(xValues.values.map { Float($0) }, shape: Shape(xValues.shape))
      let y =
        integer
        ? try Tensor(yValues.values.map { Int32($0) }, shape: Shape(yValues.shape))
        : try Tensor(yValues.values.map { Float($0) }, shape: Shape(yValues.shape))

      let prediction = try model.predict(x, batchSize: 4)
      Self.close(try prediction.floats(), try Self.values(record["prediction"]).values, "predict")

      let output = try model(x)
      if let expected = record["mask"] as? [String: Any] {
        let mask = try #require(output.mask, "the output carries a mask, as in Keras")
        #expect(
          try Ops.cast(mask, to: .float32).floats().map(Double.init)
            == (try Self.values(expected).values))
      } else {
        #expect(output.mask == nil)
      }

      let loss = try #require(try model.evaluate(x, y, batchSize: 4, verbose: 0)["loss"])
      let kerasLoss = try #require(record["loss"] as? Double)
      #expect(
        abs(loss - kerasLoss) <= 1e-5 * max(1, abs(kerasLoss)), "loss \(loss), Keras \(kerasLoss)")

      _ = try model.trainOnBatch(x, y)
      let weights = try #require(record["weights"] as? [Any])
      #expect(weights.count == model.weights.count)
      for (index, (variable, expected)) in zip(model.weights, weights).enumerated() {
        Self.close(try variable.value.floats(), try Self.values(expected).values, "weight \(index)")
      }
    }
  }

  /// The loss ignores what the model predicts at masked steps: changing the targets there
  /// changes nothing, and changing them at a kept step does.
  @Test func maskedStepsDoNotCountInTheLoss() throws {
    try withBackend("reference") {
      let model = try loadModel(
        Self.directory.appendingPathComponent("embedding_lstm_sequence.keras").path)
      let ids: [Int32] = [3, 7, 1, 0, 0, 0, 5, 2, 9, 4, 8, 6]
      let x = try Tensor(ids, shape: [2, 6])
      let targets: [Int32] = [0, 1, 2, 0, 0, 0, 1, 1, 1, 1, 1, 1]
      var atPadding = targets
      atPadding[4] = 2
      var atKept = targets
      atKept[1] = 2
      func loss(_ y: [Int32]) throws -> Double {
        try #require(try model.evaluate(x, Tensor(y, shape: [2, 6]), verbose: 0)["loss"])
      }
      #expect(try loss(targets) == loss(atPadding))
      #expect(try loss(targets) != loss(atKept))
    }
  }

  /// Only the masks Keras computes itself load as skipped op nodes: a mask computed otherwise
  /// (ids != 5) is refused naming the node, not run unmasked.
  @Test func aMaskKerasDidNotComputeItselfIsRefused() throws {
    let json = try String(
      contentsOf: Self.directory.appendingPathComponent("embedding_gru_last.model.json"),
      encoding: .utf8)
    #expect(try Model.fromJSON(json).layers.count == 3)
    // Softmax reads the mask too (Keras records it in the node): the GRU's node, given to a
    // Softmax, loads.
    let keras = try ConfigValue(json: json)
    guard case .object(var top) = keras, case .object(var model)? = top["config"],
      case .array(var layers)? = model["layers"],
      let gru = layers.firstIndex(where: { $0["class_name"] == "GRU" }),
      case .object(var entry) = layers[gru]
    else { throw PlexusError.invalidState(context: "test", message: "unexpected JSON") }
    entry["class_name"] = "Softmax"
    entry["config"] = ["name": "gru", "trainable": true, "axis": -1]
    layers[gru] = .object(entry)
    // The head was built for the GRU's (batch, 5): it builds again for the softmax's output.
    for index in layers.indices {
      guard case .object(var layer) = layers[index], layer["class_name"] == "Dense" else {
        continue
      }
      layer["build_config"] = nil
      layers[index] = .object(layer)
    }
    model["layers"] = .array(layers)
    top["config"] = .object(model)
    let softmax = try Model.fromJSON(ConfigValue.object(top).jsonString())
    #expect(softmax.layers.map(\.className) == ["Embedding", "Softmax", "Dense"])
    // The NotEqual's constant changed from 0 (the Embedding's mask_zero) to 5.
    let changed = json.replacingOccurrences(of: "}}, 0], \"kwargs\"", with: "}}, 5], \"kwargs\"")
    #expect(changed != json)
    #expect {
      _ = try Model.fromJSON(changed)
    } throws: { error in
      "\(error)".contains("op node 'not_equal") && "\(error)".contains("only the masks Keras")
    }
  }
}

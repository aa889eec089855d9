import Foundation
import Plexus
import Testing

/// `model.toJSON()` against Keras 3's `model.to_json()` for the same models, and
/// `Model.fromJSON` on Keras's JSON. The models are twins of `sequential_mlp()` and
/// `functional_two_towers()` in `scripts/keras_fixtures.py`. Nothing is ignored.
///
/// When `PLEXUS_KERAS_EXPORT_DIR` is set, the Plexus JSON of both models is written there;
/// `scripts/keras-fixtures.sh` sets it and then builds both files in Keras.
@Suite struct ModelJSONTests {
  static func sequentialMLP() throws -> Sequential {
    Sequential(name: "mlp") {
      Input(shape: [784], name: "pixels")
      Dense(128, activation: .relu, kernelRegularizer: L2(1e-4), name: "hidden")
      Dropout(0.2, name: "dropout")
      Dense(10, name: "logits")
    }
  }

  static func functionalTwoTowers() throws -> Model {
    let left = Input(shape: [8], name: "left")
    let right = Input(shape: [8], name: "right")
    let shared = Dense(4, activation: .relu, name: "shared")
    let leftFeatures = try shared(left)
    let rightFeatures = try shared(right)
    let merged = try Concatenate(name: "merged")([leftFeatures, rightFeatures])
    let classes = try Dense(3, activation: .softmax, name: "class_out")(merged)
    let summed = try Add(name: "sum")([leftFeatures, rightFeatures])
    let value = try Dense(1, name: "value_out")(summed)
    return try Model(inputs: [left, right], outputs: [classes, value], name: "two_towers")
  }

  static func export(_ model: Model, as name: String) throws {
    guard let directory = ProcessInfo.processInfo.environment["PLEXUS_KERAS_EXPORT_DIR"] else {
      return
    }
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
    try model.toJSON(pretty: true).write(
      toFile: (directory as NSString).appendingPathComponent(name), atomically: true,
      encoding: .utf8)
  }

  @Test func sequentialJSONIsKeras() throws {
    let model = try Self.sequentialMLP()
    let plexus = try ConfigValue(json: model.toJSON())
    let keras = try KerasFixtures.value("sequential_mlp.json")
    #expect(plexus == keras, "\(KerasFixtures.differences(plexus, keras))")
    try Self.export(model, as: "sequential_mlp.json")
  }

  @Test func functionalJSONIsKeras() throws {
    let model = try Self.functionalTwoTowers()
    let plexus = try ConfigValue(json: model.toJSON())
    let keras = try KerasFixtures.value("functional_two_towers.json")
    #expect(plexus == keras, "\(KerasFixtures.differences(plexus, keras))")
    try Self.export(model, as: "functional_two_towers.json")
  }

  @Test func sequentialFromKerasJSONRunsAndWritesTheSameJSON() throws {
    let text = try KerasFixtures.text("sequential_mlp.json")
    let model = try #require(try Model.fromJSON(text) as? Sequential)
    #expect(model.name == "mlp")
    #expect(model.layers.map(\.name) == ["hidden", "dropout", "logits"])
    #expect(model.input?.shape == [-1, 784])
    #expect(model.countParams() == 784 * 128 + 128 + 128 * 10 + 10)
    let output = try model(Tensor.ones([2, 784]))
    #expect(output.shape == [2, 10])
    let again = try ConfigValue(json: model.toJSON())
    #expect(again == (try KerasFixtures.value("sequential_mlp.json")))
  }

  @Test func functionalFromKerasJSONHasKerasTopology() throws {
    let text = try KerasFixtures.text("functional_two_towers.json")
    let model = try Model.fromJSON(text)
    #expect(model.name == "two_towers")
    #expect(model.outputCount == 2)
    // One shared Dense: its weights exist once though it is called twice.
    #expect(model.layers.map(\.name) == ["shared", "merged", "class_out", "sum", "value_out"])
    #expect(model.countParams() == (8 * 4 + 4) + (8 * 3 + 3) + (4 * 1 + 1))
    let left = try Tensor((0..<16).map { Float($0) / 16 }, shape: [2, 8])
    let right = try Tensor.ones([2, 8])
    let outputs = try model(multiple: [left, right])
    #expect(outputs.map(\.shape) == [[2, 3], [2, 1]])
    // The shared layer is one layer: both towers see the same weights.
    let shared = try #require(model.layers.first { $0.name == "shared" } as? Dense)
    let leftFeatures = try shared(left)
    let rightFeatures = try shared(right)
    let expectedValue = try model.layers.compactMap { $0 as? Dense }
      .first { $0.name == "value_out" }.map { try $0(leftFeatures + rightFeatures) }
    let value = try #require(expectedValue)
    #expect(try outputs[1].scalars(Float.self) == value.scalars(Float.self))
    let again = try ConfigValue(json: model.toJSON())
    #expect(again == (try KerasFixtures.value("functional_two_towers.json")))
  }

  @Test func keepsTrainingAfterALoadFromJSON() throws {
    let model = try withRandomSeed(3) {
      try Model.fromJSON(try KerasFixtures.text("sequential_mlp.json"))
    }
    try model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
    let x = try Tensor.full([4, 784], value: 0.05)
    let y = try Tensor.ones([4, 10])
    let history = try withRandomSeed(4) {
      try model.fit(x, y, batchSize: 4, epochs: 5, verbose: 0, shuffle: false)
    }
    let losses = try #require(history.history["loss"])
    #expect(losses.count == 5)
    #expect(losses[4] < losses[0] * 0.9)
  }

  @Test func compileConfigRoundTrips() throws {
    let model = try Self.sequentialMLP()
    try model.compile(
      optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true),
      metrics: ["accuracy"])
    let written = try ConfigValue(json: model.toJSON())
    #expect(written["compile_config"]?["metrics"] == ["accuracy"])
    let loaded = try Model.fromJSON(model.toJSON())
    #expect(loaded.optimizer is Adam)
    #expect(loaded.optimizer?.learningRate == Double(Float(0.01)))
    #expect((loaded.loss as? SparseCategoricalCrossentropy)?.fromLogits == true)
    #expect(loaded.metrics.map(\.name) == ["accuracy"])
  }

  @Test func unknownLayerInAModelSaysHowToRegister() throws {
    let text = try KerasFixtures.text("sequential_mlp.json")
      .replacingOccurrences(of: "\"Dropout\"", with: "\"FancyDropout\"")
    #expect {
      _ = try Model.fromJSON(text)
    } throws: { error in
      let message = "\(error)"
      return message.contains("FancyDropout") && message.contains("Layer.registry.register")
    }
  }
}

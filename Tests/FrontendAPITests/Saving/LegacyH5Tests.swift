import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// Keras's legacy `.h5` files (`Tests/Fixtures/KerasLegacyH5`, written by Keras 3.15 and by
/// Keras 2 through `tf_keras`): whole models load, predict what Keras predicted and come back
/// compiled; Keras 2's `save_weights` files load into a model built here; damaged and
/// mismatched files are clear errors.
@Suite struct LegacyH5Tests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Saving
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasLegacyH5")

  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  static func models() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// The probe inputs and Keras's outputs of a case.
  static func record(_ name: String) throws -> (inputs: [Tensor], outputs: [[Double]]) {
    let value = try ConfigValue(
      json: String(contentsOfFile: path(name + ".json"), encoding: .utf8))
    func tensor(_ entry: ConfigValue) throws -> Tensor {
      let values = (entry["values"]?.arrayValue ?? []).compactMap(\.doubleValue).map { Float($0) }
      return try Tensor(values, shape: Shape(entry["shape"]?.shapeValue ?? []))
    }
    let inputs = try (value["inputs"]?.arrayValue ?? []).map(tensor)
    let outputs = (value["outputs"]?.arrayValue ?? []).map {
      ($0["values"]?.arrayValue ?? []).compactMap(\.doubleValue)
    }
    return (inputs, outputs)
  }

  static func expectPredictions(_ model: Model, _ name: String) throws {
    let (inputs, expected) = try record(name)
    let outputs = try model.predict(inputs)
    #expect(outputs.count == expected.count, "\(name)")
    for (output, theirs) in zip(outputs, expected) {
      let mine = try output.floats()
      #expect(mine.count == theirs.count, "\(name)")
      for (a, b) in zip(mine, theirs) {
        #expect(abs(Double(a) - b) <= 1e-5 * max(1, abs(b)), "\(name): \(a) vs \(b)")
      }
    }
  }

  @Test func everyFixtureIsRead() {
    #expect(Self.models().count == 8)
  }

  @Test(arguments: models())
  func loadsAndPredictsWhatKerasPredicted(_ name: String) throws {
    let model = try loadModel(Self.path(name + ".h5"))
    try Self.expectPredictions(model, name)
    // The training settings come back: a compiled model with the saved optimizer's class.
    let optimizer = try #require(model.optimizer, "\(name) is not compiled")
    let expected = ["mlp": "Adam", "two_io": "RMSprop", "cnn": "SGD", "lstm": "Adam"]
    let key = String(name.split(separator: "_", maxSplits: 1)[1])
    #expect(optimizer.className == expected[key], "\(name): \(optimizer.className)")
    if key == "mlp" { #expect(model.metricsNames.contains("accuracy"), "\(model.metricsNames)") }
    let again = try loadModel(Self.path(name + ".h5"), compile: false)
    #expect(again.optimizer == nil)
    try Self.expectPredictions(again, name)
  }

  /// Keras 2's `save_weights("w.h5")` into the same architecture built here.
  @Test func kerasTwoWeightsLoadIntoAModelBuiltHere() throws {
    let model = Sequential(
      [
        Input(shape: [6]), Dense(8, activation: .relu, name: "hidden"),
        BatchNormalization(name: "norm"), Dropout(0.2, name: "drop"),
        Dense(3, activation: .softmax, name: "probabilities"),
      ], name: "mlp")
    try model.loadWeights(Self.path("keras2_mlp_weights.h5"))
    try Self.expectPredictions(model, "keras2_mlp")
    // A Functional model loaded without weights' help takes them too.
    let twoIO = try loadModel(Self.path("keras2_two_io.h5"), compile: false)
    for variable in twoIO.weights { try variable.assign(Ops.zerosLike(variable.value)) }
    try twoIO.loadWeights(Self.path("keras2_two_io_weights.h5"))
    try Self.expectPredictions(twoIO, "keras2_two_io")
  }

  /// Keras 2's Sequential without an InputLayer (the input shape on its first layer), and its
  /// list form of Functional nodes, upgraded to Keras 3's.
  @Test func upgradesKerasTwoConfigs() throws {
    let sequential = try ConfigValue(
      json: """
        {"class_name": "Sequential", "config": {"name": "old", "layers": [
          {"class_name": "Dense", "config": {"name": "d", "units": 2, "dtype": "float32",
           "batch_input_shape": [null, 3], "activation": "relu", "use_bias": true,
           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
           "bias_initializer": {"class_name": "Zeros", "config": {}}}}]}}
        """)
    let model = try Model.fromSerialized(LegacyH5.upgrade(sequential))
    #expect(model.countParams() == 8)
    #expect(try model.predict(Tensor.ones([4, 3])).shape == [4, 2])
    let functional = try ConfigValue(
      json: """
        {"class_name": "Functional", "config": {"name": "f", "layers": [
          {"class_name": "InputLayer", "name": "a", "inbound_nodes": [],
           "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "a"}},
          {"class_name": "InputLayer", "name": "b", "inbound_nodes": [],
           "config": {"batch_input_shape": [null, 3], "dtype": "float32", "name": "b"}},
          {"class_name": "Concatenate", "name": "c", "config": {"name": "c", "axis": -1},
           "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]]},
          {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 1},
           "inbound_nodes": [[["c", 0, 0, {}]]]}],
         "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["d", 0, 0]]}}
        """)
    let graph = try Model.fromSerialized(LegacyH5.upgrade(functional))
    #expect(graph.countParams() == 6)
    #expect(try graph.predict([Tensor.ones([2, 2]), Tensor.ones([2, 3])])[0].shape == [2, 1])
  }

  @Test func refusesWhatItCannotLoadClearly() throws {
    func error(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    #expect(
      error { try loadModel(Self.path("keras2_mlp_weights.h5")) }.contains("has no model_config"))
    // Weights for another architecture: nothing is assigned.
    let other = Sequential([Input(shape: [6]), Dense(8, name: "hidden"), Dense(3)])
    let before = try other.getWeights().map { try $0.floats() }
    #expect(
      error { try other.loadWeights(Self.path("keras2_mlp_weights.h5")) }.contains(
        "weights for 3 layers"))
    let wrongShape = Sequential([
      Input(shape: [5]), Dense(8), BatchNormalization(), Dense(3),
    ])
    #expect(
      error { try wrongShape.loadWeights(Self.path("keras2_mlp_weights.h5")) }.contains("[6, 8]"))
    #expect(try other.getWeights().map { try $0.floats() } == before)
    // Damaged files: truncated, not HDF5, missing.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "plexus-legacy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let original = try Data(contentsOf: URL(fileURLWithPath: Self.path("keras3_mlp.h5")))
    for cut in [8, 512, original.count / 2, original.count - 100] {
      let truncated = scratch.appendingPathComponent("cut\(cut).h5").path
      try original.prefix(cut).write(to: URL(fileURLWithPath: truncated))
      #expect(error { try loadModel(truncated) } != "no error", "cut at \(cut)")
    }
    let text = scratch.appendingPathComponent("text.h5").path
    try Data("not a model".utf8).write(to: URL(fileURLWithPath: text))
    #expect(error { try loadModel(text) }.contains("is not an HDF5 file"))
    #expect(error { try loadModel(scratch.appendingPathComponent("none.h5").path) } != "no error")
  }

  /// A seeded mutation loop over the legacy loader, as `KerasFileFuzzTests` runs over the
  /// `.keras` one: each damaged file is an error or a model, never a crash or a hang.
  @Test func damagedFilesAreErrorsNeverCrashes() throws {
    let runs = Int(ProcessInfo.processInfo.environment["PLEXUS_KERAS_FUZZ_RUNS"] ?? "") ?? 1500
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "plexus-legacy-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let seeds = try Self.models().map {
      Array(try Data(contentsOf: URL(fileURLWithPath: Self.path($0 + ".h5"))))
    }
    var random = KerasFileFuzzTests.Generator(state: 0x4C45_4741_4359)
    var (errors, models) = (0, 0)
    for run in 0..<(runs / 2) {
      let damaged = KerasFileFuzzTests.mutate(seeds[run % seeds.count], &random)
      let path = scratch.appendingPathComponent("damaged.h5").path
      try Data(damaged).write(to: URL(fileURLWithPath: path))
      do {
        let model = try loadModel(path)
        _ = model.countParams()
        models += 1
      } catch is PlexusError {
        errors += 1
      }
    }
    #expect(errors + models == runs / 2)
    #expect(errors > 0)
  }
}

import Foundation
import Plexus
import Testing

/// `model.save` / `loadModel` and `saveWeights` / `loadWeights` within Plexus: what comes back
/// predicts the same, trains on exactly as the original would, and bad files are errors.
@Suite struct KerasFileTests {
  /// A fresh directory for one test's files.
  static func directory() throws -> String {
    let path = NSTemporaryDirectory() + "plexus-keras-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func data(_ shape: [Int], seed: Int) throws -> Tensor {
    let count = shape.reduce(1, *)
    let values = (0..<count).map { Float(sin(Double($0 * 7 + seed * 13) * 0.37)) }
    return try Tensor(values, shape: Shape(shape))
  }

  static func labels(_ count: Int, classes: Int) throws -> Tensor {
    try Tensor((0..<count).map { Int32(($0 * 7 + 3) % classes) }, shape: [count])
  }

  /// A Sequential CNN with BatchNormalization (moving statistics), trained with RMSprop.
  static func cnn() throws -> Sequential {
    let model = Sequential(name: "cnn") {
      Input(shape: [8, 8, 2])
      Conv2D(4, kernelSize: 3, padding: .same, name: "conv")
      BatchNormalization(name: "bn")
      MaxPooling2D(poolSize: 2)
      Flatten()
      Dense(3, name: "logits")
    }
    try model.compile(
      optimizer: RMSprop(learningRate: 1e-3, momentum: 0.5),
      loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])
    return model
  }

  /// A Functional model with two inputs, two outputs, a shared layer and a nested Sequential.
  static func functional() throws -> Model {
    let a = Input(shape: [4], name: "a")
    let b = Input(shape: [3], name: "b")
    let shared = Dense(4, activation: .tanh, name: "shared")
    let left = try shared(a)
    let right = try shared(try Dense(4, name: "project_b")(b))
    let inner = Sequential(name: "inner") {
      Input(shape: [8])
      Dense(2, name: "inner_dense")
    }
    let first = try inner(try Concatenate(name: "merge")([left, right]))
    let second = try Dense(1, activation: .sigmoid, name: "score")(
      try Add(name: "sum")([left, right]))
    let model = try Model(inputs: [a, b], outputs: [first, second], name: "two_io")
    try model.compile(
      optimizer: SGD(learningRate: 0.05, momentum: 0.9), loss: ["mse", "binary_crossentropy"],
      lossWeights: [1, 0.5])
    return model
  }

  static func weightsEqual(_ a: Model, _ b: Model) throws -> Bool {
    guard a.weights.count == b.weights.count else { return false }
    for (x, y) in zip(a.weights, b.weights) where try x.value.floats() != y.value.floats() {
      return false
    }
    return true
  }

  @Test func sequentialCNNRoundTripsAndResumesTrainingExactly() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let x = try Self.data([12, 8, 8, 2], seed: 1)
    let y = try Self.labels(12, classes: 3)
    let model = try Self.cnn()
    try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false)
    let path = directory + "/cnn.keras"
    try model.save(path)

    let restored = try loadModel(path)
    #expect(restored.toJSON() == model.toJSON())
    #expect(try restored.predict(x).floats() == model.predict(x).floats())
    #expect(restored.optimizer?.iterations == 6)
    #expect(restored.optimizer?.name == "rm_sprop")
    #expect(try Self.weightsEqual(restored, model))

    // Optimizer slots and BatchNormalization's moving statistics came back: one more epoch on
    // each gives the same weights, bit for bit.
    try model.fit(x, y, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
    try restored.fit(x, y, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
    #expect(try Self.weightsEqual(restored, model))
  }

  @Test func functionalWithSharedAndNestedLayersRoundTrips() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let inputs = [try Self.data([8, 4], seed: 2), try Self.data([8, 3], seed: 3)]
    let targets = [
      try Self.data([8, 2], seed: 4), try Tensor([Float](repeating: 1, count: 8), shape: [8, 1]),
    ]
    let model = try Self.functional()
    try model.fit(inputs, targets, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
    let path = directory + "/two_io.keras"
    try model.save(path)
    let restored = try loadModel(path)
    #expect(restored.toJSON() == model.toJSON())
    #expect(restored.outputLosses.map(\.name) == ["mean_squared_error", "binary_crossentropy"])
    let before = try model.predict(inputs)
    let after = try restored.predict(inputs)
    for (one, two) in zip(before, after) { #expect(try one.floats() == two.floats()) }
    try model.fit(inputs, targets, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
    try restored.fit(inputs, targets, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
    #expect(try Self.weightsEqual(restored, model))
  }

  @Test func weightsFileRoundTripsAndRefusesAnotherStructure() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = try Self.cnn()
    _ = try model.predict(try Self.data([1, 8, 8, 2], seed: 5))
    let path = directory + "/cnn.weights.h5"
    try model.saveWeights(path)
    let other = try Self.cnn()
    _ = try other.predict(try Self.data([1, 8, 8, 2], seed: 5))
    #expect(try !Self.weightsEqual(other, model))
    try other.loadWeights(path)
    #expect(try Self.weightsEqual(other, model))

    // A model of another structure is refused, and keeps every weight it had.
    let wider = Sequential(name: "cnn") {
      Input(shape: [8, 8, 2])
      Conv2D(5, kernelSize: 3, padding: .same, name: "conv")
      BatchNormalization(name: "bn")
      MaxPooling2D(poolSize: 2)
      Flatten()
      Dense(3, name: "logits")
    }
    try wider.buildFromInput()
    let before = try wider.weights.map { try $0.value.floats() }
    #expect(throws: PlexusError.self) { try wider.loadWeights(path) }
    #expect(try wider.weights.map { try $0.value.floats() } == before)

    // A .keras file's weights load the same way.
    try model.save(directory + "/cnn.keras")
    let third = try Self.cnn()
    try third.buildFromInput()
    try third.loadWeights(directory + "/cnn.keras")
    #expect(try Self.weightsEqual(third, model))
  }

  @Test func savingReplacesAnExistingFileAndLeavesNoTemporaryFile() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/m.keras"
    let first = try Self.cnn()
    try first.buildFromInput()
    try first.save(path)
    let second = try Self.cnn()
    try second.buildFromInput()
    try second.save(path)
    #expect(try Self.weightsEqual(try loadModel(path), second))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["m.keras"])
  }

  @Test func badPathsAndFilesAreErrorsThatSayWhy() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = try Self.cnn()
    try model.buildFromInput()

    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch { return "\(error)" }
    }
    #expect(message { try model.save(directory + "/m.h5") }.contains("'.keras'"))
    #expect(message { try model.save(directory + "/missing/m.keras") }.contains("does not exist"))
    #expect(message { try model.saveWeights(directory + "/m.h5") }.contains("'.weights.h5'"))
    #expect(message { _ = try loadModel(directory + "/none.keras") }.contains("none.keras"))
    #expect(message { _ = try loadModel(directory) }.contains(directory))

    let junk = directory + "/junk.keras"
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(
      to: URL(fileURLWithPath: junk))
    #expect(message { _ = try loadModel(junk) }.contains("zip"))
    try Data().write(to: URL(fileURLWithPath: junk))
    #expect(message { _ = try loadModel(junk) }.contains("zip"))
    let weights = directory + "/junk.weights.h5"
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: weights))
    #expect(message { try model.loadWeights(weights) }.contains("HDF5"))
  }
}

import Foundation
import Plexus
import Testing

/// Writes `.keras` files for Keras 3 to open (`scripts/keras-interop.sh` runs this with
/// `PLEXUS_KERAS_EXPORT_DIR` set, then loads each file in Keras and compares its predictions with
/// the ones recorded here). Without the variable the files go to a temporary directory; either
/// way each must load back in Plexus and predict the same.
@Suite struct KerasFileExportTests {
  static func record(_ model: Model, inputs: [Tensor], name: String) throws {
    let exportDirectory = ProcessInfo.processInfo.environment["PLEXUS_KERAS_EXPORT_DIR"]
    let directory = try exportDirectory ?? KerasFileTests.directory()
    defer { if exportDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/\(name).keras"
    try model.save(path)
    // Every output, also of a model with one input and several outputs.
    let outputs = try model.predict(inputs)
    let restored = try loadModel(path)
    let again = try restored.predict(inputs)
    #expect(outputs.count == model.outputCount && again.count == outputs.count)
    for (one, two) in zip(outputs, again) { #expect(try one.floats() == two.floats()) }

    func entry(_ tensor: Tensor) throws -> ConfigValue {
      [
        "shape": .shape(tensor.shape.dims),
        "values": .array(try tensor.floats().map { .double(Double($0)) }),
      ]
    }
    let json: ConfigValue = [
      "inputs": .array(try inputs.map(entry)), "outputs": .array(try outputs.map(entry)),
      "iterations": model.optimizer.map { .int($0.iterations) } ?? .null,
      "weight_count": .int(model.weights.count),
    ]
    try json.jsonString(pretty: true).write(
      toFile: directory + "/\(name).json", atomically: true, encoding: .utf8)
  }

  @Test func sequentialCNNWithBatchNormalization() throws {
    let model = try KerasFileTests.cnn()
    let x = try KerasFileTests.data([6, 8, 8, 2], seed: 7)
    try model.fit(x, try KerasFileTests.labels(6, classes: 3), batchSize: 3, verbose: 0)
    try Self.record(model, inputs: [x], name: "plexus_cnn")
  }

  @Test func functionalTwoInputsTwoOutputs() throws {
    let model = try KerasFileTests.functional()
    let inputs = [
      try KerasFileTests.data([4, 4], seed: 8), try KerasFileTests.data([4, 3], seed: 9),
    ]
    let targets = [
      try KerasFileTests.data([4, 2], seed: 10),
      try Tensor([Float](repeating: 0, count: 4), shape: [4, 1]),
    ]
    try model.fit(inputs, targets, batchSize: 2, verbose: 0)
    try Self.record(model, inputs: inputs, name: "plexus_two_io")
  }

  /// An encoder's `return_state` feeding a decoder's `initial_state`, its `h` an output too.
  @Test func sequenceToSequenceWithStates() throws {
    try withRandomSeed(12) {
      let model = try RecurrentGraphTests.seq2seq().model
      try model.compile(optimizer: Adam(learningRate: 0.01), loss: "mse")
      let inputs = try RecurrentGraphTests.data(4)
      let targets = [
        try KerasFileTests.data([4, 4, 2], seed: 13), try KerasFileTests.data([4, 6], seed: 14),
      ]
      try model.fit(inputs, targets, batchSize: 2, verbose: 0)
      try Self.record(model, inputs: inputs, name: "plexus_seq2seq")
    }
  }

  /// A Bidirectional encoder's states start a Bidirectional without a merge mode.
  @Test func bidirectionalStates() throws {
    try withRandomSeed(15) {
      let model = try RecurrentGraphTests.bidirectional().model
      try model.compile(optimizer: Adam(learningRate: 0.01), loss: "mse")
      let inputs = try RecurrentGraphTests.data(4)
      let targets = [
        try KerasFileTests.data([4, 4, 6], seed: 16), try KerasFileTests.data([4, 3], seed: 17),
      ]
      try model.fit(inputs, targets, batchSize: 2, verbose: 0)
      try Self.record(model, inputs: inputs, name: "plexus_bidirectional_states")
    }
  }

  @Test func sequentialMLPWithAdamAndRegularizer() throws {
    let model = Sequential(name: "mlp") {
      Input(shape: [6])
      Dense(8, activation: .relu, kernelRegularizer: L2(1e-3), name: "hidden")
      Dropout(0.25)
      LayerNormalization()
      Dense(3, activation: .softmax, name: "out")
    }
    try model.compile(
      optimizer: Adam(learningRate: 1e-2), loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"])
    let x = try KerasFileTests.data([10, 6], seed: 11)
    try model.fit(x, try KerasFileTests.labels(10, classes: 3), batchSize: 5, epochs: 2, verbose: 0)
    try Self.record(model, inputs: [x], name: "plexus_mlp")
  }

  @Test func uncompiledConvolutionalVariety() throws {
    let model = Sequential(name: "variety") {
      Input(shape: [10, 10, 3])
      SeparableConv2D(4, kernelSize: 3, padding: .same, name: "separable")
      DepthwiseConv2D(kernelSize: 3, name: "depthwise")
      Conv2DTranspose(2, kernelSize: 2, strides: 2, name: "transpose")
      AveragePooling2D(poolSize: 2)
      GlobalMaxPooling2D()
      Dense(2)
    }
    try model.buildFromInput()
    try Self.record(
      model, inputs: [try KerasFileTests.data([2, 10, 10, 3], seed: 12)], name: "plexus_variety")
  }
}

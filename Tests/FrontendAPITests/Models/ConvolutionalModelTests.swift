import PlexusTestSupport
import Testing

@testable import Plexus

/// The new layers working together in models: a small CNN trains, and its JSON rebuilds it
/// (and, under `scripts/keras-fixtures.sh`, builds in Keras).
@Suite struct ConvolutionalModelTests {
  static func cnn() -> Sequential {
    Sequential(name: "cnn") {
      Input(shape: [8, 8, 1])
      Conv2D(4, kernelSize: 3, padding: .same, activation: .relu)
      BatchNormalization()
      MaxPooling2D()
      SeparableConv2D(6, kernelSize: 3, padding: .same)
      UpSampling2D()
      Conv2DTranspose(2, kernelSize: 2, strides: 2)
      Cropping2D(cropping: 2)
      ZeroPadding2D(padding: 1)
      DepthwiseConv2D(kernelSize: 3)
      LayerNormalization()
      GlobalAveragePooling2D()
      Dense(3)
    }
  }

  @Test func aSmallCNNTrains() throws {
    try withRandomSeed(5) {
      let model = Self.cnn()
      try model.compile(
        optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true))
      let x = try sampleTensor([6, 8, 8, 1], seed: 41).cast(to: .float32)
      let y = try Tensor([0, 1, 2, 0, 1, 2] as [Int32], shape: [6])
      let first = try #require(try model.trainOnBatch(x, y)["loss"])
      var last = first
      for _ in 0..<40 { last = try #require(try model.trainOnBatch(x, y)["loss"]) }
      #expect(last < first * 0.75, "loss \(first) → \(last)")
      let bn = try #require(model.layers.compactMap { $0 as? BatchNormalization }.first)
      #expect(try bn.movingMean?.value.scalars(Float.self).contains { $0 != 0 } == true)
    }
  }

  @Test func theModelJSONRebuildsTheSameModel() throws {
    let model = Self.cnn()
    let x = try sampleTensor([2, 8, 8, 1], seed: 42).cast(to: .float32)
    let json = model.toJSON()
    // scripts/keras-fixtures.sh builds this file in Keras.
    try ModelJSONTests.export(model, as: "cnn.json")
    let copy = try Model.fromJSON(json)
    #expect(copy.toJSON() == json)
    try copy.setWeights(model.getWeights())
    #expect(try copy.predict(x).scalars(Float.self) == model.predict(x).scalars(Float.self))
  }
}

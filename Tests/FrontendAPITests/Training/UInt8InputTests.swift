import Plexus
import Testing

/// `uint8` inputs with a `Rescaling(1 / 255)` layer train as float inputs scaled beforehand:
/// batches are `uint8` slices, the layer casts, the loss and metrics see the same numbers.
@Suite struct UInt8InputTests {
  static func model(_ dtype: DType) throws -> Sequential {
    let model = Sequential {
      Input(shape: [4, 4], dtype: dtype)
      if dtype == .uint8 { Rescaling(1.0 / 255) }
      Flatten()
      Dense(8, activation: .relu)
      Dense(3)
    }
    try model.compile(
      optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true),
      metrics: ["accuracy"])
    return model
  }

  static func data() throws -> (pixels: Tensor, scaled: Tensor, labels: Tensor) {
    let values = try withRandomSeed(7) {
      try RandomGenerator.uniform(count: 40 * 16, low: 0, high: 256)
    }
    let bytes = values.map { UInt8(Swift.min($0, 255)) }
    let pixels = try Tensor(bytes, shape: [40, 4, 4])
    let scaled = try Tensor(bytes.map { Float($0) * Float(1.0 / 255) }, shape: [40, 4, 4])
    let labels = try Tensor((0..<40).map { Int32(bytes[$0 * 16] % 3) }, shape: [40])
    return (pixels, scaled, labels)
  }

  /// Weights, history and test results of a model trained from seed 5.
  static func run(_ dtype: DType, dataset: Bool) throws -> ([Float], [String: [Double]], [Float]) {
    let (pixels, scaled, labels) = try data()
    let x = dtype == .uint8 ? pixels : scaled
    return try withRandomSeed(5) {
      let model = try Self.model(dtype)
      let history =
        dataset
        ? try model.fit(ArrayDataset(x, labels, batchSize: 8), epochs: 3, verbose: 0)
        : try model.fit(x, labels, batchSize: 8, epochs: 3, verbose: 0)
      let weights = try model.getWeights().flatMap { try $0.scalars(Float.self) }
      return (weights, history.history, try model.predict(x).floats())
    }
  }

  @Test(arguments: [false, true])
  func uint8WithRescalingTrainsAsPrescaledFloats(dataset: Bool) throws {
    let (pixels, _, _) = try Self.data()
    #expect(pixels.dtype == .uint8)
    let (bytesWeights, bytesHistory, bytesPredictions) = try Self.run(.uint8, dataset: dataset)
    let (floatWeights, floatHistory, floatPredictions) = try Self.run(.float32, dataset: dataset)
    #expect(bytesWeights.count == floatWeights.count)
    for (a, b) in zip(bytesWeights, floatWeights) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
    for (a, b) in zip(bytesPredictions, floatPredictions) {
      #expect(abs(a - b) <= 1e-4 * max(1, abs(b)))
    }
    for (key, values) in floatHistory {
      let other = try #require(bytesHistory[key])
      for (a, b) in zip(other, values) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
    }
  }

  @Test func batchesOfUInt8DataStayUInt8() throws {
    let (pixels, _, labels) = try Self.data()
    let dataset = try ArrayDataset(pixels, labels, batchSize: 16)
    try dataset.onEpochBegin()
    let batch = try dataset.batch(at: 2)
    #expect(batch.inputs.first?.dtype == .uint8)
    #expect(batch.inputs.first?.shape == [8, 4, 4])
  }
}

import Foundation
import Testing

@testable import Plexus

@Suite struct EmbeddingTests {
  static func ids(_ values: [Int32], _ shape: Shape) throws -> Tensor {
    try Tensor(values, shape: shape)
  }

  @Test func looksUpRowsAndScatterAddsTheGradient() throws {
    let layer = Embedding(4, 2, embeddingsInitializer: .zeros)
    let ids = try Self.ids([1, 3, 1, 0], [2, 2])
    _ = try layer(ids)
    let table = try #require(layer.embeddings)
    try table.assign(Tensor([0, 1, 10, 11, 20, 21, 30, 31] as [Float], shape: [4, 2]))
    let tape = GradientTape()
    let (y, objective) = try tape.record {
      let y = try layer(ids)
      return (y, try Ops.sum(y))
    }
    #expect(y.shape == [2, 2, 2])
    #expect(try y.floats() == [10, 11, 30, 31, 10, 11, 0, 1])
    let gradient = try #require(try tape.gradient(of: objective, wrt: [table]).first ?? nil)
    // Id 1 appears twice: its row's gradient sums both.
    #expect(try gradient.floats() == [1, 1, 2, 2, 0, 0, 1, 1])
  }

  @Test func anIdOutOfRangeNamesTheLayerAndTheId() throws {
    let layer = Embedding(5, 3, name: "words")
    for bad: Int32 in [5, -1, .max, .min] {
      let text = thrownText { try layer(Self.ids([0, bad], [1, 2])) }
      #expect(text?.contains("'words' (Embedding)") == true, "\(text ?? "no error")")
      #expect(text?.contains("\(bad)") == true, "\(text ?? "no error")")
    }
    let wide = try Tensor([Int64.max, 0], shape: [1, 2])
    #expect(thrownText { try layer(wide) }?.contains("Embedding") == true)
  }

  @Test func floatIdsAreTruncatedAndNaNIsAnError() throws {
    let layer = Embedding(3, 1, embeddingsInitializer: .zeros)
    _ = try layer(Self.ids([0], [1, 1]))
    try layer.embeddings?.assign(Tensor([0, 1, 2] as [Float], shape: [3, 1]))
    #expect(try layer(Tensor([2.7, 1] as [Float], shape: [1, 2])).floats() == [2, 1])
    let text = thrownText { try layer(Tensor([Float.nan], shape: [1, 1])) }
    #expect(text?.contains("Embedding") == true && text?.contains("nan") == true)
  }

  @Test func badSizesAreErrorsNotTraps() throws {
    for (inputDim, outputDim) in [(0, 2), (-3, 2), (4, 0), (Int.max, 2), (2, Int.max)] {
      let text = thrownText { try Embedding(inputDim, outputDim)(Self.ids([0], [1, 1])) }
      #expect(text?.contains("Embedding") == true, "\(inputDim)×\(outputDim): \(text ?? "-")")
    }
    let config = serialized(Embedding(3, 2), setting: "input_dim", to: .int(0))
    #expect(thrownText { try Layer.fromConfig(config) } != nil)
  }

  @Test func maskZeroMasksPaddingIds() throws {
    let ids = try Self.ids([3, 0, 1, 0, 0, 2], [2, 3])
    let mask = try #require(try Embedding(4, 2, maskZero: true).computeMask(ids))
    #expect(mask.dtype == .bool)
    #expect(mask.shape == [2, 3])
    #expect(try mask.cast(to: .float32).floats() == [1, 0, 1, 0, 0, 1])
    #expect(try Embedding(4, 2).computeMask(ids) == nil)
  }

  @Test func configRoundTrips() throws {
    let layer = Embedding(
      7, 3, embeddingsRegularizer: L2(0.01), embeddingsConstraint: MaxNorm(2), maskZero: true)
    _ = try layer(Self.ids([1], [1, 1]))
    let copy = try Layer.fromConfig(layer.serialized.value)
    #expect(copy.serialized.value == layer.serialized.value)
    #expect(copy is Embedding)
    #expect(try layer.regularizationLosses.count == 1)
  }

  /// The model another engineer benchmarks against Keras, at a smaller vocabulary: ids in,
  /// one sigmoid out, trained with `fit`; the loss falls.
  @Test func trainsInASequentialModel() throws {
    setRandomSeed(3)
    let model = Sequential {
      Input(shape: [20], dtype: .int32)
      Embedding(500, 16)
      Flatten()
      Dense(16, activation: .relu)
      Dense(1, activation: .sigmoid)
    }
    try model.compile(optimizer: "adam", loss: "binary_crossentropy")
    let ids = try RandomGenerator.uniform(count: 64 * 20, low: 0, high: 500).map { Int32($0) }
    let x = try Tensor(ids, shape: [64, 20])
    // The label is whether id 0..<250 dominates the sequence: learnable from the embeddings.
    let labels = ids.chunked(20).map { row in Float(row.filter { $0 < 250 }.count > 10 ? 1 : 0) }
    let y = try Tensor(labels, shape: [64, 1])
    let history = try model.fit(x, y, batchSize: 16, epochs: 8, verbose: 0)
    let losses = history.history["loss"] ?? []
    #expect((losses.last ?? .infinity) < (losses.first ?? 0))
  }
}

extension Array {
  fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
    stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
  }
}

import Foundation
import Plexus
import Testing

/// CategoryEncoding beyond the Keras fixtures (`KerasLayer2ParityTests`): hand-worked encodings
/// of every mode and rank, ids outside the range, shapes in a model, and clear errors.
@Suite struct CategoryEncodingTests {
  @Test func encodesByHand() throws {
    let ids = try Tensor([Int32(0), 1, 3, 3, 9, -1], shape: [2, 3])
    let multi = try CategoryEncoding(numTokens: 4)(ids)
    #expect(multi.shape == [2, 4] && multi.dtype == .float32)
    #expect(try multi.floats() == [1, 1, 0, 1, 0, 0, 0, 1])
    let count = try CategoryEncoding(numTokens: 4, outputMode: .count)(ids)
    #expect(try count.floats() == [1, 1, 0, 1, 0, 0, 0, 1])
    let repeated = try Tensor([Int32(2), 2, 2, 0], shape: [1, 4])
    #expect(try CategoryEncoding(numTokens: 3, outputMode: .count)(repeated).floats() == [1, 0, 3])
    // One-hot drops a trailing axis of 1, and adds one otherwise; ids outside are zeros.
    let column = try Tensor([Int32(1), 5], shape: [2, 1])
    let oneHot = try CategoryEncoding(numTokens: 3, outputMode: .oneHot)(column)
    #expect(oneHot.shape == [2, 3])
    #expect(try oneHot.floats() == [0, 1, 0, 0, 0, 0])
    let grid = try CategoryEncoding(numTokens: 4, outputMode: .oneHot)(ids)
    #expect(grid.shape == [2, 3, 4])
    // One sample's ids (rank 1) and a scalar id, as Keras reduces them.
    let sample = try CategoryEncoding(numTokens: 3)(Tensor([Int64(2), 0], shape: [2]))
    #expect(sample.shape == [3])
    #expect(try sample.floats() == [1, 0, 1])
    #expect(try CategoryEncoding(numTokens: 2)(Tensor.scalar(1, dtype: .int32)).floats() == [0, 1])
    // Float ids are truncated, uint8 ids index past 255 tokens.
    let floats = try CategoryEncoding(numTokens: 3)(Tensor([Float(1.7), 0.2], shape: [1, 2]))
    #expect(try floats.floats() == [1, 1, 0])
    let bytes = try CategoryEncoding(numTokens: 300, outputMode: .oneHot)(
      Tensor([UInt8(255)], shape: [1]))
    #expect(try bytes.floats()[255] == 1)
  }

  @Test func shapesInAModel() throws {
    let ids = Input(shape: [5], dtype: .int32)
    let encoded = try CategoryEncoding(numTokens: 7)(ids)
    #expect(encoded.shape == [-1, 7])
    let model = try Model(inputs: ids, outputs: Dense(2)(encoded))
    let batch = try Tensor((0..<20).map { Int32($0 % 7) }, shape: [4, 5])
    #expect(try model.predict(batch).shape == [4, 2])
    let restored = try #require(try Layer.fromConfig(model.serialized.value) as? Model)
    #expect(restored.layers.contains { $0 is CategoryEncoding })
  }

  @Test func badSettingsAndInputsAreErrors() throws {
    for tokens in [0, -1, Int.min, Int.max] {
      #expect(throws: PlexusError.self) { try CategoryEncoding(numTokens: tokens) }
    }
    let layer = try CategoryEncoding(numTokens: 3, name: "cats")
    let text = thrownText { try layer(Tensor([true, false], shape: [1, 2])) } ?? "no error"
    #expect(text.contains("'cats'"), "\(text)")
    for (key, value) in [("output_mode", "tf_idf"), ("sparse", true)] as [(String, ConfigValue)] {
      let refused = thrownText { try Layer.fromConfig(serialized(layer, setting: key, to: value)) }
      #expect(refused?.contains(key) == true, "\(key): \(refused ?? "no error")")
    }
    let binary = try Layer.fromConfig(serialized(layer, setting: "output_mode", to: "binary"))
    #expect((binary as? CategoryEncoding)?.outputMode == .multiHot)
  }
}

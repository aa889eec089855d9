import Foundation
import Plexus
import Testing

/// MultiHeadAttention's contract beyond Keras parity: clear errors for bad settings, shapes and
/// masks; the causal mask; and the Functional model's record of `(query, value,
/// use_causal_mask=True)` calls, which round-trips through its config.
@Suite struct MultiHeadAttentionTests {
  static func random(_ shape: Shape, seed: Int) throws -> Tensor {
    var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1
    let values = (0..<shape.elementCount).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24) - 0.5
    }
    return try Tensor(values, shape: shape)
  }

  @Test func settingsOutsideKerasRangeAreErrors() throws {
    #expect(throws: PlexusError.self) { try MultiHeadAttention(0, keyDim: 4) }
    #expect(throws: PlexusError.self) { try MultiHeadAttention(2, keyDim: -1) }
    #expect(throws: PlexusError.self) { try MultiHeadAttention(2, keyDim: 4, valueDim: 0) }
    #expect(throws: PlexusError.self) { try MultiHeadAttention(2, keyDim: 4, dropout: 1.5) }
    #expect(throws: PlexusError.self) { try MultiHeadAttention(2, keyDim: 4, outputShape: [0]) }
    #expect(throws: PlexusError.self) { try MultiHeadAttention(2, keyDim: 4, attentionAxes: []) }
    let huge = try MultiHeadAttention(1 << 20, keyDim: 1 << 40)
    let x = try Tensor.zeros([1, 2, 3])
    #expect(throws: PlexusError.self) { try huge(query: x, value: x) }
  }

  @Test func mismatchedShapesAndMasksAreErrors() throws {
    let layer = try MultiHeadAttention(2, keyDim: 3)
    let query = try Tensor.zeros([2, 4, 5])
    let value = try Tensor.zeros([2, 6, 5])
    #expect(throws: PlexusError.self) { try layer(query) }
    #expect(throws: PlexusError.self) {
      try layer(query: query, value: value, key: Tensor.zeros([2, 5, 5]))
    }
    #expect(throws: PlexusError.self) { try layer(query: Tensor.zeros([4, 5]), value: value) }
    _ = try layer(query: query, value: value)
    #expect(throws: PlexusError.self) {
      try layer(query: query, value: value, attentionMask: Tensor.ones([2, 6, 4]))
    }
    #expect(throws: PlexusError.self) {
      try layer(query: Tensor.zeros([3, 4, 5]), value: value)
    }
    #expect(throws: PlexusError.self) { try layer(query: Tensor.zeros([2, 4, 7]), value: value) }
  }

  @Test func causalMaskHidesLaterSteps() throws {
    let layer = try MultiHeadAttention(2, keyDim: 3)
    let x = try Self.random([1, 4, 6], seed: 1)
    var changed = try x.floats()
    for index in 18..<24 { changed[index] += 1 }  // the last step only
    let y = try Tensor(changed, shape: x.shape)
    let (first, scores) = try layer.callWithScores(query: x, value: x, useCausalMask: true)
    let second = try layer(query: y, value: y, useCausalMask: true)
    #expect(Array(try first.floats()[0..<18]) == Array(try second.floats()[0..<18]))
    let probabilities = try scores.floats()  // (1, 2, 4, 4)
    for head in 0..<2 {
      for row in 0..<4 {
        for column in (row + 1)..<4 where column < 4 {
          #expect(probabilities[head * 16 + row * 4 + column] == 0)
        }
      }
    }
  }

  @Test func fullyMaskedRowHasZeroScores() throws {
    let layer = try MultiHeadAttention(1, keyDim: 2)
    let x = try Self.random([1, 2, 3], seed: 2)
    let mask = try Tensor([Float(0), 0, 1, 1], shape: [1, 2, 2])
    let (_, scores) = try layer.callWithScores(query: x, value: x, attentionMask: mask)
    let values = try scores.floats()
    #expect(values[0] == 0 && values[1] == 0)
    #expect(abs(values[2] + values[3] - 1) < 1e-6)
  }

  @Test func functionalCallRecordsKerasArgumentsAndRoundTrips() throws {
    let inputs = Input(shape: [5, 8])
    let attention = try MultiHeadAttention(2, keyDim: 4, name: "attention")
    let attended = try attention(query: inputs, value: inputs, useCausalMask: true)
    let model = try Model(inputs: inputs, outputs: Add()([inputs, attended]))
    let config = model.serialized.value
    let entry = try #require(
      config["config"]?["layers"]?.arrayValue?.first { $0["name"]?.stringValue == "attention" })
    let node = try #require(entry["inbound_nodes"]?.arrayValue?.first)
    #expect(node["args"]?.arrayValue?.count == 2)
    #expect(node["kwargs"] == ["use_causal_mask": true])
    #expect(entry["build_config"]?["shapes_dict"]?["query_shape"] == .shape([-1, 5, 8]))

    let copy = try #require(try Layer.fromConfig(config) as? Model)
    try copy.setWeights(model.weights.map(\.value))
    let x = try Self.random([2, 5, 8], seed: 3)
    #expect(try copy.predict(x).floats() == (try model.predict(x).floats()))
    let direct = try attention(query: x, value: x, useCausalMask: true)
    #expect(try model.predict(x).floats() == (try Ops.add(x, direct).floats()))
    #expect(copy.serialized.value == config)
  }

  @Test func unsupportedCallOptionsInAConfigAreErrors() throws {
    let inputs = Input(shape: [5, 8])
    let attention = try MultiHeadAttention(2, keyDim: 4, name: "attention")
    let model = try Model(inputs: inputs, outputs: attention(query: inputs, value: inputs))
    var text = try #require(
      String(data: try JSONEncoder().encode(model.serialized.value), encoding: .utf8))
    text = text.replacingOccurrences(of: "\"kwargs\":{}", with: "\"kwargs\":{\"use_gate\":true}")
    let broken = try ConfigValue(json: text)
    #expect(throws: PlexusError.self) { try Layer.fromConfig(broken) }
  }
}

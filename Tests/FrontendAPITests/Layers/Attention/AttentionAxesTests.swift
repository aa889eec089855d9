import Foundation
import Plexus
import Testing

/// `attentionAxes` on inputs of rank 4 beyond Keras's numbers (`KerasAttentionParityTests`'s
/// `attention_axes_*` cases): graphs with the scores as outputs, the resolved axes in the
/// config, files Keras opens (`scripts/keras-interop.sh`), and what is refused.
@Suite struct AttentionAxesTests {
  /// Self-attention over a (height, width) map and attention over the width alone, each in a
  /// graph whose outputs equal eager calls, through a file and back.
  @Test func mapsAttendInGraphsAndFiles() throws {
    try withRandomSeed(23) {
      let image = Input(shape: [3, 2, 5], name: "image")
      let whole = try MultiHeadAttention(2, keyDim: 3, name: "whole")
      let rows = try MultiHeadAttention(2, keyDim: 2, attentionAxes: [2], name: "rows")
      let (attended, wholeScores) = try whole.callWithScores(query: image, value: image)
      let (output, rowScores) = try rows.callWithScores(query: attended, value: attended)
      #expect(wholeScores.shape == [-1, 2, 3, 2, 3, 2])
      #expect(rowScores.shape == [-1, 3, 2, 2, 2])
      let model = try Model(
        inputs: [image], outputs: [try Dense(4, name: "head")(output), wholeScores, rowScores],
        name: "plexus_attention_axes")
      let x = try MultiHeadAttentionTests.random([2, 3, 2, 5], seed: 9)
      let predicted = try model.predict([x])
      let eagerWhole = try whole.callWithScores(query: x, value: x)
      let eagerRows = try rows.callWithScores(query: eagerWhole.output, value: eagerWhole.output)
      #expect(try predicted[1].floats() == eagerWhole.scores.floats())
      #expect(try predicted[2].floats() == eagerRows.scores.floats())
      // Each query position's scores over the key positions sum to 1.
      let sums = try Ops.sum(predicted[1], axes: [4, 5]).floats()
      #expect(sums.allSatisfy { abs($0 - 1) < 1e-5 })
      // Keras's config holds the resolved axes once built.
      let config = model.serialized.value["config"]?["layers"]?.arrayValue ?? []
      let axes = config.first { $0["name"] == "whole" }?["config"]?["attention_axes"]
      #expect(axes == [1, 2])
      try KerasFileExportTests.record(model, inputs: [x], name: "plexus_attention_axes")
      let path = NSTemporaryDirectory() + "plexus-axes-\(UUID().uuidString).keras"
      defer { try? FileManager.default.removeItem(atPath: path) }
      try model.save(path)
      for (a, b) in zip(try loadModel(path).predict([x]), predicted) {
        #expect(try a.floats() == b.floats())
      }
    }
  }

  /// An attention mask laid out as the scores (without the heads) reaches attention over the
  /// axes of a map from a model input: the graph predicts what eager calls give, masked keys
  /// get no weight, a mask that broadcasts over the batch equals its spread-out copy, and a
  /// mask of the wrong layout is an error naming the layer.
  @Test func attentionMasksOverAxes() throws {
    try withRandomSeed(29) {
      let image = Input(shape: [3, 2, 5], name: "image")
      let keep = Input(shape: [3, 2, 3, 2], name: "keep")
      let layer = try MultiHeadAttention(2, keyDim: 3, name: "masked_map")
      let (output, scores) = try layer.callWithScores(
        query: image, value: image, attentionMask: keep)
      let model = try Model(inputs: [image, keep], outputs: [output, scores], name: "masked")
      let x = try MultiHeadAttentionTests.random([2, 3, 2, 5], seed: 4)
      // Key (h, w) is hidden from every query in sample b when (h + w + b) is odd, except key
      // (0, 0), so no query loses every key.
      var bits = [Float]()
      for b in 0..<2 {
        for _ in 0..<6 {
          for h in 0..<3 { for w in 0..<2 { bits.append((h + w + b) % 2 == 0 ? 1 : 0) } }
        }
      }
      let mask = try Tensor(bits, shape: [2, 3, 2, 3, 2])
      let predicted = try model.predict([x, mask])
      let eager = try layer.callWithScores(query: x, value: x, attentionMask: mask)
      #expect(try predicted[0].floats() == eager.output.floats())
      #expect(try predicted[1].floats() == eager.scores.floats())
      // Scores (batch, heads, 3, 2, 3, 2): masked keys have weight 0, the rest sum to 1.
      let weights = try eager.scores.floats()
      for (index, weight) in weights.enumerated() {
        let (b, key) = (index / 72, index % 6)
        if (key / 2 + key % 2 + b) % 2 == 1 { #expect(weight == 0) }
      }
      let sums = try Ops.sum(eager.scores, axes: [4, 5]).floats()
      #expect(sums.allSatisfy { abs($0 - 1) < 1e-5 })
      // One sample's mask broadcasts over the batch.
      let first = try Ops.slice(mask, starts: [0, 0, 0, 0, 0], sizes: [1, 3, 2, 3, 2])
      let spread = try Ops.concatenate([first, first], axis: 0)
      let broadcast = try layer.callWithScores(query: x, value: x, attentionMask: first)
      let copied = try layer.callWithScores(query: x, value: x, attentionMask: spread)
      #expect(try broadcast.scores.floats() == copied.scores.floats())
      let text =
        thrownText {
          try layer(query: x, value: x, attentionMask: Tensor.zeros([2, 3, 2, 3]))
        } ?? ""
      #expect(text.contains("masked_map") && text.contains("attention_mask"), "\(text)")
    }
  }

  /// Axes that are not between the batch and the features, or out of order, and the causal
  /// mask with attention over several axes are errors naming the layer.
  @Test func whatIsNotSupportedIsRefusedByName() throws {
    let sequence = try Tensor.zeros([1, 2, 3])
    let map = try Tensor.zeros([1, 2, 2, 3])
    let cases: [(MultiHeadAttention, Tensor)] = [
      (try MultiHeadAttention(1, keyDim: 2, attentionAxes: [2], name: "features"), sequence),
      (try MultiHeadAttention(1, keyDim: 2, attentionAxes: [2, 1], name: "unsorted"), map),
      (try MultiHeadAttention(1, keyDim: 2, attentionAxes: [0], name: "batch"), map),
      (try MultiHeadAttention(1, keyDim: 2, attentionAxes: [Int.min], name: "huge"), map),
    ]
    for (layer, x) in cases {
      let text = thrownText { try layer(query: x, value: x) } ?? ""
      #expect(text.contains(layer.name), "\(text)")
    }
    let masked = try MultiHeadAttention(1, keyDim: 2, name: "masked_map")
    let text = thrownText { try masked(query: map, value: map, useCausalMask: true) } ?? ""
    #expect(text.contains("masked_map") && text.contains("masks"), "\(text)")
    let other = try Tensor.zeros([1, 3, 2, 3])
    let mismatch = try MultiHeadAttention(1, keyDim: 2, attentionAxes: [2], name: "mismatch")
    let shapes = thrownText { try mismatch(query: map, value: other) } ?? ""
    #expect(shapes.contains("mismatch"), "\(shapes)")
  }
}

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

  /// Axes that are not between the batch and the features, or out of order, and masks with
  /// attention over several axes are errors naming the layer.
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

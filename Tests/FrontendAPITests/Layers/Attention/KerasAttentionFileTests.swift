import Foundation
import Plexus
import Testing

/// `.keras` files of Functional attention models saved by Keras 3
/// (`Tests/Fixtures/KerasAttention`: an attention block, Input → MultiHeadAttention called as
/// `(x, x, use_causal_mask=True)` → Add → LayerNormalization → Dense; and a cross-attention
/// with `return_attention_scores=True` whose scores are a model output; two attentions whose
/// `attention_mask` is a model input, one of them returning its scores; each trained two steps
/// with Adam) load with `loadModel`, predict what Keras predicted and restore the optimizer's
/// step count; saved again by Plexus, they load back to the same predictions and config.
@Suite struct KerasAttentionFileTests {
  @Test(arguments: KerasAttentionFixtures.models)
  func kerasFileLoadsAndPredictsAsKeras(_ name: String) throws {
    let path = KerasAttentionFixtures.directory.appendingPathComponent(name + ".keras").path
    let record = try ConfigValue(
      json: String(
        contentsOf: KerasAttentionFixtures.directory.appendingPathComponent(name + ".json"),
        encoding: .utf8))
    let model = try loadModel(path)
    let inputs = try KerasFileFixtureTests.tensors(record["inputs"])
    let expected = try KerasFileFixtureTests.tensors(record["outputs"])
    try #require(inputs.count == model.inputCount && expected.count == model.outputCount)
    for (index, predicted) in try model.predict(inputs).enumerated() {
      try KerasRecurrentFileTests.check(predicted, expected[index], "\(name) output \(index)")
    }
    #expect(model.optimizer?.iterations == record["iterations"]?.intValue)

    let copy = NSTemporaryDirectory() + "plexus-attention-\(UUID().uuidString).keras"
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try model.save(copy)
    let reloaded = try loadModel(copy)
    for (index, predicted) in try reloaded.predict(inputs).enumerated() {
      try KerasRecurrentFileTests.check(
        predicted, expected[index], "\(name) saved by Plexus, output \(index)")
    }
    #expect(reloaded.optimizer?.iterations == record["iterations"]?.intValue)
    #expect(reloaded.kerasWeightPaths == model.kerasWeightPaths)
    #expect(reloaded.serialized.value == model.serialized.value)
  }

  /// A Plexus-built attention block, written for `scripts/keras-interop.sh` to open in Keras.
  @Test func plexusAttentionBlockIsExported() throws {
    let inputs = Input(shape: [6, 8], name: "tokens")
    let attended = try MultiHeadAttention(2, keyDim: 4, name: "self_attention")(
      query: inputs, value: inputs, useCausalMask: true)
    let hidden = try LayerNormalization(name: "norm")(Add(name: "residual")([inputs, attended]))
    let model = try Model(
      inputs: inputs, outputs: Dense(3, name: "head")(hidden), name: "plexus_attention_block")
    let x = try MultiHeadAttentionTests.random([3, 6, 8], seed: 4)
    try KerasFileExportTests.record(model, inputs: [x], name: "plexus_attention_block")
  }

  /// `return_attention_scores` in a Plexus graph: the output and the scores equal an eager
  /// call's, survive a file, and the file opens in Keras (`scripts/keras-interop.sh`).
  @Test func scoresAreGraphOutputs() throws {
    try withRandomSeed(21) {
      let query = Input(shape: [5, 8], name: "query")
      let value = Input(shape: [6, 4], name: "value")
      let attention = try MultiHeadAttention(2, keyDim: 3, name: "cross")
      let (attended, scores) = try attention.callWithScores(
        query: query, value: value, useCausalMask: true)
      #expect(scores.shape == [-1, 2, 5, 6])
      let model = try Model(
        inputs: [query, value], outputs: [try Dense(3, name: "head")(attended), scores],
        name: "plexus_attention_scores")
      let inputs = [
        try MultiHeadAttentionTests.random([3, 5, 8], seed: 5),
        try MultiHeadAttentionTests.random([3, 6, 4], seed: 6),
      ]
      let predicted = try model.predict(inputs)
      let eager = try attention.callWithScores(
        query: inputs[0], value: inputs[1], useCausalMask: true)
      #expect(try predicted[1].floats() == eager.scores.floats())
      // Causal: no query step attends to a later value step.
      let rows = try predicted[1].floats()
      for row in 0..<(3 * 2 * 5) {
        let step = row % 5
        #expect(rows[(row * 6 + step + 1)..<(row * 6 + 6)].allSatisfy { $0 == 0 })
      }
      try KerasFileExportTests.record(model, inputs: inputs, name: "plexus_attention_scores")
    }
  }

  /// An explicit attention mask from a model input (Keras's `attention_mask=` keyword tensor)
  /// on a plain call and on one with the scores: the graph equals eager calls, masked steps get
  /// no attention, the node is written as Keras writes it, and the file opens in Keras
  /// (`scripts/keras-interop.sh`).
  @Test func attentionMasksAreGraphInputs() throws {
    try withRandomSeed(22) {
      let tokens = Input(shape: [6, 8], name: "tokens")
      let allowed = Input(shape: [6, 6], name: "allowed")
      let first = try MultiHeadAttention(2, keyDim: 4, name: "masked")
      let second = try MultiHeadAttention(2, keyDim: 3, name: "masked_scores")
      let attended = try first(query: tokens, value: tokens, attentionMask: allowed)
      let (output, scores) = try second.callWithScores(
        query: attended, value: attended, attentionMask: allowed)
      let model = try Model(
        inputs: [tokens, allowed], outputs: [try Dense(3, name: "head")(output), scores],
        name: "plexus_attention_mask")
      let x = try MultiHeadAttentionTests.random([3, 6, 8], seed: 7)
      let pattern = (0..<108).map { index -> Float in
        let (row, column) = ((index / 6) % 6, index % 6)
        return row == column || (index * 7919) % 5 < 3 ? 1 : 0
      }
      let mask = try Tensor(pattern, shape: [3, 6, 6])
      let predicted = try model.predict([x, mask])
      let eagerFirst = try first(query: x, value: x, attentionMask: mask)
      let eager = try second.callWithScores(
        query: eagerFirst, value: eagerFirst, attentionMask: mask)
      #expect(try predicted[1].floats() == eager.scores.floats())
      // A masked step gets no attention, from either head.
      let probabilities = try predicted[1].floats()
      for (index, probability) in probabilities.enumerated() {
        let (sample, rest) = (index / 72, index % 36)
        if pattern[sample * 36 + rest] == 0 { #expect(probability == 0) }
      }
      // Keras's node: the tensors positional, the mask a keyword tensor.
      let layers = model.serialized.value["config"]?["layers"]?.arrayValue ?? []
      let node = layers.first { $0["name"]?.stringValue == "masked" }?["inbound_nodes"]?
        .arrayValue?.first
      #expect(node?["args"]?.arrayValue?.count == 2)
      #expect(
        node?["kwargs"]?["attention_mask"]?["config"]?["keras_history"]
          == ["allowed", 0, 0])
      let restored = try #require(try Layer.fromConfig(model.serialized.value) as? Model)
      try restored.setWeights(model.getWeights())
      for (a, b) in zip(try restored.predict([x, mask]), predicted) {
        #expect(try a.floats() == b.floats())
      }
      try KerasFileExportTests.record(model, inputs: [x, mask], name: "plexus_attention_mask")
      // A mask input that does not fit the attention is an error of the layer, naming the mask.
      let seven = Input(shape: [6, 7], name: "seven")
      let mismatched = try Model(
        inputs: [tokens, seven],
        outputs: [
          try MultiHeadAttention(1, keyDim: 2, name: "mha")(
            query: tokens, value: tokens, attentionMask: seven)
        ],
        name: "mismatched")
      let wrong = try Tensor([Float](repeating: 1, count: 3 * 6 * 7), shape: [3, 6, 7])
      let text = thrownText { _ = try mismatched.predict([x, wrong]) } ?? ""
      #expect(text.contains("Layer 'mha'") && text.contains("attention_mask"), "\(text)")
    }
  }
}

import Foundation
import Plexus
import Testing

/// `Attention` and `AdditiveAttention` beyond the Keras fixtures (`KerasLayer2ParityTests`
/// covers values and gradients, masks and the causal mask; `KerasAttentionFileTests` a Keras
/// file): a hand-worked example, what the masks do, the Functional record of
/// `use_causal_mask`, dropout, training, and clear errors for bad settings, shapes and masks.
@Suite struct AttentionTests {
  static func random(_ shape: Shape, seed: Int) throws -> Tensor {
    try MultiHeadAttentionTests.random(shape, seed: seed)
  }

  /// q = (1, 0) against keys (1, 0) and (0, 1): scores (1, 0), weights (e, 1) / (e + 1), and the
  /// output the weighted values (the keys here).
  @Test func matchesAHandWorkedExample() throws {
    let query = try Tensor([Float(1), 0], shape: [1, 1, 2])
    let value = try Tensor([Float(1), 0, 0, 1], shape: [1, 2, 2])
    let (output, scores) = try Attention().callWithScores([query, value])
    let e = Double(M_E)
    let expected = [e / (e + 1), 1 / (e + 1)]
    #expect(output.shape == [1, 1, 2] && scores.shape == [1, 1, 2])
    for (computed, wanted) in zip(try output.floats(), expected) {
      #expect(abs(Double(computed) - wanted) < 1e-6)
    }
    #expect(try scores.floats() == output.floats())
    // Additive without a scale: Σ tanh(q + k) = (tanh 2 + 0, tanh 1 + tanh 1).
    let additive = try AdditiveAttention(useScale: false).callWithScores([query, value])
    let logits = [tanh(2.0), 2 * tanh(1.0)]
    let total = logits.map(exp).reduce(0, +)
    for (computed, logit) in zip(try additive.scores.floats(), logits) {
      #expect(abs(Double(computed) - exp(logit) / total) < 1e-6)
    }
  }

  @Test func causalMaskAndMasksKeepStepsOut() throws {
    let x = try Self.random([2, 4, 3], seed: 1)
    let (_, scores) = try Attention(useScale: true).callWithScores([x, x], useCausalMask: true)
    let weights = try scores.floats()
    for row in 0..<8 {
      let step = row % 4
      #expect(weights[(row * 4 + step + 1)..<(row * 4 + 4)].allSatisfy { $0 == 0 })
    }
    // A value mask keeps its steps out; a query mask zeroes those output steps and is the
    // output's mask.
    let valueMask = try Tensor([true, true, false, true, true, false, true, true], shape: [2, 4])
    let queryMask = try Tensor([true, false, true, true, true, true, true, false], shape: [2, 4])
    let attention = try AdditiveAttention()
    let (output, masked) = try attention.callWithScores(
      [x, x], masks: [queryMask, valueMask])
    let probabilities = try masked.floats()
    for (index, probability) in probabilities.enumerated() {
      let (sample, column) = (index / 16, index % 4)
      if !(try valueMask.scalars(Bool.self))[sample * 4 + column] { #expect(probability == 0) }
    }
    let rows = try output.floats()
    for (step, kept) in try queryMask.scalars(Bool.self).enumerated() where !kept {
      #expect(rows[(step * 3)..<(step * 3 + 3)].allSatisfy { $0 == 0 })
    }
    #expect(try output.mask?.scalars(Bool.self) == queryMask.scalars(Bool.self))
    // The same masks carried by the inputs themselves.
    let carried = try attention([x.withMask(queryMask), x.withMask(valueMask)])
    #expect(try carried.floats() == output.floats())
  }

  /// A Functional model of both layers on Embedding-masked ids: the node records
  /// `use_causal_mask` as Keras does, the graph equals eager calls, the config rebuilds it, and
  /// the `.keras` file opens in Keras (`scripts/keras-interop.sh`).
  @Test func functionalModelRecordsTheCausalMask() throws {
    try withRandomSeed(31) {
      let query = Input(shape: [5], dtype: .int32, name: "query_tokens")
      let value = Input(shape: [6], dtype: .int32, name: "value_tokens")
      let embed = Embedding(12, 4, maskZero: true, name: "embed")
      let (q, v) = (try embed(query), try embed(value))
      let luong = try Attention(useScale: true, scoreMode: .concat, name: "luong")
      let bahdanau = try AdditiveAttention(name: "bahdanau")
      let dot = try luong([q, v], useCausalMask: true)
      let additive = try bahdanau([q, v])
      let model = try Model(
        inputs: [query, value],
        outputs: [
          try Dense(2, name: "dot_head")(GlobalAveragePooling1D(name: "dot_pool")(dot)),
          try Dense(2, name: "additive_head")(
            GlobalAveragePooling1D(name: "additive_pool")(additive)),
        ], name: "plexus_luong_attention")
      // Padding (0) at the end of each row.
      let queryIds: [Int32] = (0..<15).map { $0 % 5 == 4 ? 0 : Int32(1 + $0 % 11) }
      let valueIds: [Int32] = (0..<18).map { $0 % 6 >= 4 ? 0 : Int32(1 + $0 % 11) }
      let ids = [try Tensor(queryIds, shape: [3, 5]), try Tensor(valueIds, shape: [3, 6])]
      let predicted = try model.predict(ids)
      let embeddedQuery = try embed(ids[0])
      let embeddedValue = try embed(ids[1])
      let eager = try luong([embeddedQuery, embeddedValue], useCausalMask: true)
      let pooled = try GlobalAveragePooling1D()(eager)
      let head = try #require(model.layers.first { $0.name == "dot_head" })
      #expect(try head(pooled).floats() == predicted[0].floats())

      let layers = model.serialized.value["config"]?["layers"]?.arrayValue ?? []
      func node(_ name: String) -> ConfigValue? {
        layers.first { $0["name"]?.stringValue == name }?["inbound_nodes"]?.arrayValue?.first
      }
      #expect(node("luong")?["kwargs"] == ["use_causal_mask": true])
      #expect(node("bahdanau")?["kwargs"] == [:])
      #expect(node("luong")?["args"]?.arrayValue?.first?.arrayValue?.count == 2)
      let restored = try #require(try Layer.fromConfig(model.serialized.value) as? Model)
      try restored.setWeights(model.getWeights())
      for (a, b) in zip(try restored.predict(ids), predicted) {
        #expect(try a.floats() == b.floats())
      }
      try KerasFileExportTests.record(model, inputs: ids, name: "plexus_luong_attention")
    }
  }

  /// `return_attention_scores=True` in a graph: two outputs equal to an eager call's, a node
  /// written as Keras writes it, a config that rebuilds it, and a file Keras opens
  /// (`scripts/keras-interop.sh`).
  @Test func scoresAreGraphOutputs() throws {
    try withRandomSeed(32) {
      let query = Input(shape: [4, 3], name: "query")
      let value = Input(shape: [5, 3], name: "value")
      let attention = try Attention(useScale: true, name: "scored")
      let (output, scores) = try attention.callWithScores([query, value], useCausalMask: true)
      #expect(scores.shape == [-1, 4, 5])
      let model = try Model(
        inputs: [query, value], outputs: [try Dense(2, name: "head")(output), scores],
        name: "plexus_attention_layer_scores")
      let inputs = [try Self.random([3, 4, 3], seed: 10), try Self.random([3, 5, 3], seed: 11)]
      let predicted = try model.predict(inputs)
      let eager = try attention.callWithScores(inputs, useCausalMask: true)
      #expect(try predicted[1].floats() == eager.scores.floats())
      let layers = model.serialized.value["config"]?["layers"]?.arrayValue ?? []
      let node = layers.first { $0["name"]?.stringValue == "scored" }?["inbound_nodes"]?
        .arrayValue?.first
      #expect(node?["kwargs"] == ["return_attention_scores": true, "use_causal_mask": true])
      let restored = try #require(try Layer.fromConfig(model.serialized.value) as? Model)
      try restored.setWeights(model.getWeights())
      for (a, b) in zip(try restored.predict(inputs), predicted) {
        #expect(try a.floats() == b.floats())
      }
      try KerasFileExportTests.record(model, inputs: inputs, name: "plexus_attention_layer_scores")
    }
  }

  @Test func dropoutAppliesOnlyWhileTrainingAndRepeatsWithASeed() throws {
    let q = try Self.random([2, 3, 4], seed: 2)
    let v = try Self.random([2, 5, 4], seed: 3)
    let first = try Attention(dropout: 0.5, seed: 9)
    let second = try Attention(dropout: 0.5, seed: 9)
    let plain = try Attention()
    let inference = try first([q, v])
    #expect(try inference.floats() == plain([q, v]).floats())
    let trained = try first.callWithScores([q, v], training: true)
    let again = try second.callWithScores([q, v], training: true)
    #expect(try trained.scores.floats() == again.scores.floats())
    let kept = try trained.scores.floats()
    #expect(kept.contains(0) && kept.contains { $0 > 0 })
    #expect(try trained.output.floats() != inference.floats())
  }

  @Test func trainsInAModel() throws {
    try withRandomSeed(5) {
      let input = Input(shape: [6, 4], name: "steps")
      let attended = try Attention(useScale: true, dropout: 0.1)(
        [input, input], useCausalMask: true)
      let output = try Dense(1)(GlobalAveragePooling1D()(AdditiveAttention()([attended, input])))
      let model = try Model(inputs: input, outputs: output)
      try model.compile(optimizer: Adam(learningRate: 0.02), loss: MeanSquaredError())
      let x = try Self.random([32, 6, 4], seed: 4)
      // The features' sum averaged over the steps: uniform attention and a Dense reach it.
      let y = try Ops.multiply(
        Ops.sum(x, axes: [1, 2], keepDims: false).reshaped([32, 1]), Tensor.scalar(1.0 / 6))
      let history = try model.fit(x, y, batchSize: 8, epochs: 12, verbose: 0)
      let losses = try #require(history.history["loss"])
      #expect(losses.last! < losses.first! * 0.5, "\(losses)")
      let scales = model.trainableWeights.filter { $0.name == "scale" }
      #expect(scales.count == 2)
    }
  }

  @Test func badSettingsShapesAndMasksAreErrors() throws {
    for rate in [1.0, -0.1, .nan, .infinity] {
      #expect(throws: PlexusError.self) { try Attention(dropout: rate) }
      #expect(throws: PlexusError.self) { try AdditiveAttention(dropout: rate) }
    }
    let attention = try Attention(name: "att")
    let x = try Self.random([2, 3, 4], seed: 6)
    func message(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    #expect(message { try attention([x]) }.contains("[query, value]"))
    #expect(message { try attention([x, x, x, x]) }.contains("[query, value]"))
    #expect(message { try attention([x, Tensor.zeros([2, 4])]) }.contains("'att'"))
    let wideKey = try Self.random([2, 5, 3], seed: 7)
    #expect(
      message { try attention([x, Self.random([2, 5, 4], seed: 8), wideKey]) }.contains("key"))
    #expect(
      message {
        try attention([x, Self.random([2, 6, 4], seed: 8), Self.random([2, 5, 4], seed: 9)])
      }
      .contains("steps"))
    #expect(message { try attention([x, Self.random([3, 3, 4], seed: 8)]) }.contains("batch"))
    let wrongMask = try Tensor([true, false, true, false, true, false], shape: [3, 2])
    #expect(
      message { try attention([x, x], masks: [nil, wrongMask], useCausalMask: false) }
        .contains("value mask"))
    #expect(
      message { try attention([x, x], masks: [wrongMask, nil], useCausalMask: false) }
        .contains("query mask"))
    #expect(
      message { try attention([x, x], masks: [nil], useCausalMask: false) }.contains("masks"))
    // A mask that broadcasts (one per step for every sample, or one per sample) is Keras's.
    let perStep = try Tensor([true, false, true], shape: [1, 3])
    let full = try Tensor([true, false, true, true, false, true], shape: [2, 3])
    #expect(
      try attention([x, x], masks: [perStep, perStep], useCausalMask: false).floats()
        == attention([x, x], masks: [full, full], useCausalMask: false).floats())
    let perSample = try Tensor([true, false], shape: [2, 1])
    let rows = try attention([x, x], masks: [perSample, nil], useCausalMask: false).floats()
    #expect(rows[12..<24].allSatisfy { $0 == 0 } && rows[0..<12].contains { $0 != 0 })
    // Sizes no machine holds are errors, not traps.
    let huge = Input(shape: [Int.max, 4])
    #expect(throws: PlexusError.self) { try Attention()([huge, huge], useCausalMask: true) }
    #expect(throws: PlexusError.self) {
      try AdditiveAttention()(
        [Input(shape: [3, -1]), Input(shape: [3, -1])], useCausalMask: false)
    }
    // Configs: an unknown score mode, an unknown key, and graph options Plexus cannot replay.
    func changed(_ key: String, _ value: ConfigValue) -> ConfigValue {
      serialized(attention, setting: key, to: value)
    }
    #expect(
      message { try Layer.fromConfig(changed("score_mode", "cosine")) }.contains("score_mode"))
    #expect(message { try Layer.fromConfig(changed("causal", true)) }.contains("causal"))
    let input = Input(shape: [3, 4])
    let model = try Model(inputs: input, outputs: Attention(name: "att2")([input, input]))
    // The attention's node with an option Keras does not take.
    let saved = model.serialized.value
    var settings = saved["config"]?.objectValue ?? [:]
    settings["layers"] = .array(
      (settings["layers"]?.arrayValue ?? []).map { entry in
        guard entry["name"]?.stringValue == "att2", var fields = entry.objectValue,
          var node = fields["inbound_nodes"]?.arrayValue?.first?.objectValue
        else { return entry }
        node["kwargs"] = ["use_causal_mask": "yes"]
        fields["inbound_nodes"] = [.object(node)]
        return .object(fields)
      })
    var scored = saved.objectValue ?? [:]
    scored["config"] = .object(settings)
    #expect(message { try Layer.fromConfig(.object(scored)) }.contains("use_causal_mask"))
  }
}

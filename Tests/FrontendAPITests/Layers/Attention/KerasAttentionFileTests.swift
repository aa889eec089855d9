import Foundation
import Plexus
import Testing

/// A `.keras` file of a Functional attention block saved by Keras 3
/// (`Tests/Fixtures/KerasAttention`: Input → MultiHeadAttention called as `(x, x,
/// use_causal_mask=True)` → Add → LayerNormalization → Dense, trained two steps with Adam)
/// loads with `loadModel`, predicts what Keras predicted and restores the optimizer's step
/// count; saved again by Plexus, it loads back to the same predictions and the same config.
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
    try #require(inputs.count == 1 && expected.count == 1)
    try KerasRecurrentFileTests.check(try model.predict(inputs[0]), expected[0], name)
    #expect(model.optimizer?.iterations == record["iterations"]?.intValue)

    let copy = NSTemporaryDirectory() + "plexus-attention-\(UUID().uuidString).keras"
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try model.save(copy)
    let reloaded = try loadModel(copy)
    try KerasRecurrentFileTests.check(
      try reloaded.predict(inputs[0]), expected[0], "\(name) saved by Plexus")
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
}

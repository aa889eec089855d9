import Foundation
import Plexus
import Testing

/// MultiHeadAttention against Keras 3 on the same weights and inputs
/// (`Tests/Fixtures/KerasAttention`): self- and cross-attention (with a key), an attention mask,
/// the causal mask (alone and with a mask), `value_dim`, `output_shape` and no biases. Keras's
/// config rebuilds the layer and is written back unchanged, the weights sit at Keras's paths in
/// Keras's order, and the output, the attention scores and the gradients of
/// `Σ_i sum(output_i · cotangent_i)` with respect to every input and trainable weight match
/// within `tolerance · max(|keras|, 1)` (Keras computed in float64, Plexus in float32).
@Suite struct KerasAttentionParityTests {
  static let tolerance = 1e-5

  @Test func fixturesArePresent() {
    #expect(KerasAttentionFixtures.names().count >= 6)
  }

  @Test(arguments: KerasAttentionFixtures.names())
  func matchesKeras(_ name: String) throws {
    let fixture = try KerasAttentionFixtures.load(name)
    let layer = try #require(try Layer.fromConfig(fixture.layer) as? MultiHeadAttention)
    let rewritten = layer.serialized.value
    #expect(
      rewritten == fixture.layer,
      "\(name): \(KerasFixtures.differences(rewritten, fixture.layer))")
    #expect(layer.kerasWeightPaths == fixture.weightPaths, "\(name): weight paths")
    try layer.setWeights(fixture.weights.map { try $0.tensor })

    let tape = GradientTape()
    var inputs = try fixture.inputs.map { try $0.tensor }
    for index in inputs.indices { tape.watch(&inputs[index]) }
    let mask = try fixture.attentionMask?.tensor
    let cotangents = try fixture.cotangents.map { try $0.tensor }
    let (outputs, objective) = try tape.record {
      let (output, scores) = try layer.callWithScores(
        query: inputs[0], value: inputs[1], key: inputs.count == 3 ? inputs[2] : nil,
        attentionMask: mask, useCausalMask: fixture.useCausalMask)
      var total = try Tensor.scalar(0)
      for (value, cotangent) in zip([output, scores], cotangents) {
        total = try Ops.add(total, Ops.sum(Ops.multiply(value, cotangent)))
      }
      return ([output, scores], total)
    }
    let trainable = layer.trainableWeights
    let gradients = try tape.gradient(of: objective, wrt: inputs + trainable)

    var errors: [(String, Double)] = []
    for (what, (output, expected)) in zip(["output", "scores"], zip(outputs, fixture.outputs)) {
      errors.append((what, try KerasLayerFixtures.error(output, expected)))
    }
    let expectedGradients = fixture.inputGradients + fixture.weightGradients
    #expect(gradients.count == expectedGradients.count, "\(name): gradient count")
    let labels =
      ["query", "value", "key"].prefix(inputs.count).map { "d/d\($0)" }
      + trainable.map { "d/d\($0.path)" }
    for (what, (gradient, expected)) in zip(labels, zip(gradients, expectedGradients)) {
      let computed = try gradient ?? Tensor.zeros(expected.shape)
      errors.append((what, try KerasLayerFixtures.error(computed, expected)))
    }
    for (what, error) in errors {
      #expect(error <= Self.tolerance, "\(name) \(what): error \(error)")
    }
  }
}

import Foundation
import Plexus
import Testing

/// The second batch of layers against Keras 3 (`Tests/Fixtures/KerasLayers2`): each config
/// Keras wrote rebuilds the layer and is written back unchanged; on Keras's weights (or, for an
/// adapted Normalization, on statistics Plexus learns from the same data) the output, the mask
/// and the gradients of `sum(output · cotangent)` with respect to every floating-point input and
/// trainable weight match within `1e-5 · max(|keras|, 1)`.
@Suite struct KerasLayer2ParityTests {
  static let tolerance = 1e-5

  @Test func fixturesArePresent() {
    #expect(KerasLayer2Fixtures.names().count >= 25)
  }

  @Test(arguments: KerasLayer2Fixtures.names())
  func matchesKeras(_ name: String) throws {
    let fixture = try KerasLayer2Fixtures.load(name)
    let layer = try Layer.fromConfig(fixture.layer)
    let rewritten = layer.serialized.value
    #expect(
      rewritten == fixture.layer,
      "\(name): \(KerasFixtures.differences(rewritten, fixture.layer))")
    #expect(layer.weights.map(\.name) == fixture.weightOrder, "\(name): weight names")

    var errors: [(String, Double)] = []
    if let data = fixture.adaptData, let normalization = layer as? Normalization {
      try normalization.adapt(data)
      for variable in layer.weights {
        guard let expected = fixture.weights[variable.name] else { continue }
        let keras = KerasLayerFixtures.Values(
          shape: expected.shape, values: try expected.cast(to: .float64).scalars(Double.self))
        errors.append(
          ("adapted \(variable.name)", try KerasLayerFixtures.error(variable.value, keras)))
      }
    } else {
      try layer.setWeights(
        layer.weights.map { variable in
          guard let values = fixture.weights[variable.name] else {
            throw PlexusError.invalidState(
              context: name, message: "no fixture weight '\(variable.name)'")
          }
          return values
        })
    }

    let tape = GradientTape()
    var inputs = fixture.inputs
    for index in inputs.indices where inputs[index].dtype.isFloatingPoint {
      tape.watch(&inputs[index])
    }
    let cotangent = try fixture.cotangent.tensor
    let (y, objective) = try tape.record {
      let y: Tensor
      if let attention = layer as? Attention {
        y = try attention(
          inputs, masks: fixture.inputMasks,
          useCausalMask: fixture.callOptions["use_causal_mask"]?.boolValue ?? false)
      } else {
        y = inputs.count == 1 ? try layer(inputs[0]) : try layer(inputs)
      }
      return (y, try Ops.sum(Ops.multiply(y, cotangent)))
    }
    errors.append(("output", try KerasLayerFixtures.error(y, fixture.output)))

    let floating = inputs.indices.filter { inputs[$0].dtype.isFloatingPoint }
    let trainable = layer.trainableWeights
    let sources = floating.map { "input_\($0)" } + trainable.map(\.name)
    #expect(Set(sources) == Set(fixture.gradients.keys), "\(name): gradient names")
    let gradients = try tape.gradient(
      of: objective, wrt: floating.map { inputs[$0] } + trainable)
    for (source, gradient) in zip(sources, gradients) {
      guard let expected = fixture.gradients[source] else { continue }
      let computed = try gradient ?? Tensor.zeros(expected.shape)
      errors.append(("d/d\(source)", try KerasLayerFixtures.error(computed, expected)))
    }

    if let expected = fixture.mask {
      let producer = try #require(layer as? any MaskProducer, "\(name) produces no mask")
      let mask = try #require(try producer.computeMask(inputs[0]), "\(name): nil mask")
      #expect(mask.dtype == .bool)
      errors.append(("mask", try KerasLayerFixtures.error(mask.cast(to: .float32), expected)))
    }
    for (what, error) in errors {
      #expect(error <= Self.tolerance, "\(name) \(what): error \(error)")
    }
  }

  /// Keras's `.keras` file of `Embedding → GlobalAveragePooling1D → Dense`, fitted one step,
  /// loads with `loadModel` and predicts what Keras predicted, on int32 ids.
  @Test func embeddingModelLoadsAndPredictsAsKeras() throws {
    let directory = KerasLayer2Fixtures.directory
    let record = try ConfigValue(
      json: String(
        contentsOf: directory.appendingPathComponent("embedding_model.json"), encoding: .utf8))
    let model = try loadModel(directory.appendingPathComponent("embedding_model.keras").path)
    let input = try #require(record["inputs"]?.arrayValue?.first)
    let output = try #require(record["outputs"]?.arrayValue?.first)
    let ids = try Tensor(
      (input["values"]?.arrayValue ?? []).compactMap(\.intValue).map { Int32($0) },
      shape: Shape(input["shape"]?.shapeValue ?? []))
    let predicted = try model.predict(ids)
    let expected = (output["values"]?.arrayValue ?? []).compactMap(\.doubleValue)
    #expect(predicted.shape == Shape(output["shape"]?.shapeValue ?? []))
    for (mine, theirs) in zip(try predicted.cast(to: .float64).scalars(Double.self), expected) {
      #expect(abs(mine - theirs) <= Self.tolerance * max(1, abs(theirs)))
    }
    #expect(model.optimizer?.iterations == record["iterations"]?.intValue)
    #expect(model.layers.contains { $0 is Embedding })
  }
}

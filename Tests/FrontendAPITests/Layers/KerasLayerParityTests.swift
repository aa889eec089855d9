import Foundation
import Plexus
import Testing

/// Every layer against Keras 3 on the same weights and input (`Tests/Fixtures/KerasLayers`):
/// the config Keras wrote must rebuild the layer (`Layer.fromConfig`) and be written back
/// unchanged, and the output, the gradients of `sum(output · cotangent)` with respect to the
/// input and every trainable weight, and (for BatchNormalization) the moving statistics after a
/// training call and the inference output must match.
///
/// Keras computed in float64 on float32 inputs and weights; Plexus computes in float32. Each
/// element must lie within `tolerance · max(|keras|, 1)` of Keras's value. With
/// `PLEXUS_PARITY_REPORT=1` each case prints the largest error it saw.
@Suite struct KerasLayerParityTests {
  static let tolerance = 1e-5

  @Test func fixturesArePresent() {
    #expect(KerasLayerFixtures.names().count >= 20)
  }

  @Test(arguments: KerasLayerFixtures.names())
  func matchesKeras(_ name: String) throws {
    try Self.check(name)
  }

  /// The normalization layers on oneDNN, whose normalization kernels they run (the features
  /// last) or whose composites (other axes), hold to the same tolerance.
  @Test(arguments: KerasLayerFixtures.names().filter { $0.contains("normalization") })
  func normalizationMatchesKerasOnOneDNN(_ name: String) throws {
    try withBackend("onednn") { try Self.check(name) }
  }

  static func check(_ name: String) throws {
    let fixture = try KerasLayerFixtures.load(name)
    let layer = try Layer.fromConfig(fixture.layer)
    let rewritten = layer.serialized.value
    #expect(
      rewritten == fixture.layer,
      "\(name): \(KerasFixtures.differences(rewritten, fixture.layer))")

    #expect(layer.weights.map(\.name) == fixture.weightOrder, "\(name): weight names")
    try layer.setWeights(
      layer.weights.map { variable in
        guard let values = fixture.weights[variable.name] else {
          throw PlexusError.invalidState(
            context: name, message: "no fixture weight '\(variable.name)'")
        }
        return try values.tensor
      })

    let tape = GradientTape()
    var x = try fixture.input.tensor
    tape.watch(&x)
    let cotangent = try fixture.cotangent.tensor
    let (y, objective) = try tape.record {
      let y = try layer(x, training: fixture.training)
      return (y, try Ops.sum(Ops.multiply(y, cotangent)))
    }
    let trainable = layer.trainableWeights
    let gradients = try tape.gradient(of: objective, wrt: [x] + trainable)

    var errors: [(String, Double)] = [("output", try KerasLayerFixtures.error(y, fixture.output))]
    let sources = ["input"] + trainable.map(\.name)
    #expect(Set(sources) == Set(fixture.gradients.keys), "\(name): gradient names")
    for (source, gradient) in zip(sources, gradients) {
      guard let expected = fixture.gradients[source] else { continue }
      let computed = try gradient ?? Tensor.zeros(expected.shape)
      errors.append(("d/d\(source)", try KerasLayerFixtures.error(computed, expected)))
    }
    for variable in layer.nonTrainableWeights {
      guard let expected = fixture.updatedWeights[variable.name] else { continue }
      errors.append((variable.name, try KerasLayerFixtures.error(variable.value, expected)))
    }
    if let expected = fixture.inferenceOutput {
      errors.append(("inference", try KerasLayerFixtures.error(layer(x), expected)))
    }
    for (what, error) in errors {
      #expect(error <= tolerance, "\(name) \(what): error \(error)")
    }
    if ProcessInfo.processInfo.environment["PLEXUS_PARITY_REPORT"] != nil {
      let worst = errors.max { $0.1 < $1.1 }.map { "\($0.0) \($0.1)" } ?? "-"
      print("parity \(name): largest error \(worst)")
    }
  }
}

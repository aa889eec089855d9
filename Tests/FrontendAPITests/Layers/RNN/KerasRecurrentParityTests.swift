import Foundation
import Plexus
import Testing

/// The recurrent layers, their cells, Bidirectional and TimeDistributed against Keras 3 on the
/// same weights and input (`Tests/Fixtures/KerasRecurrent`): Keras's config rebuilds the layer
/// and is written back unchanged, the weights sit at Keras's paths in Keras's order, and every
/// output (with `return_state`, the states; with `merge_mode` None, both directions) and the
/// gradients of `Σ_i sum(output_i · cotangent_i)` with respect to the input and every trainable
/// weight match within `tolerance · max(|keras|, 1)` (Keras computed in float64, Plexus in
/// float32).
@Suite struct KerasRecurrentParityTests {
  static let tolerance = 1e-5

  @Test func fixturesArePresent() {
    #expect(KerasRecurrentFixtures.names().count >= 15)
  }

  @Test(arguments: KerasRecurrentFixtures.names())
  func matchesKeras(_ name: String) throws {
    let fixture = try KerasRecurrentFixtures.load(name)
    let layer = try Layer.fromConfig(fixture.layer)
    let rewritten = layer.serialized.value
    #expect(
      rewritten == fixture.layer,
      "\(name): \(KerasFixtures.differences(rewritten, fixture.layer))")
    #expect(layer.kerasWeightPaths == fixture.weightPaths, "\(name): weight paths")
    try layer.setWeights(fixture.weights.map { try $0.tensor })

    let tape = GradientTape()
    var x = try fixture.input.tensor
    tape.watch(&x)
    let cotangents = try fixture.cotangents.map { try $0.tensor }
    let (outputs, objective) = try tape.record {
      let outputs = try KerasRecurrentFixtures.call(layer, x)
      var total = try Tensor.scalar(0)
      for (output, cotangent) in zip(outputs, cotangents) {
        total = try Ops.add(total, Ops.sum(Ops.multiply(output, cotangent)))
      }
      return (outputs, total)
    }
    let trainable = layer.trainableWeights
    let gradients = try tape.gradient(of: objective, wrt: [x] + trainable)

    #expect(outputs.count == fixture.outputs.count, "\(name): output count")
    var errors: [(String, Double)] = []
    for (index, (output, expected)) in zip(outputs, fixture.outputs).enumerated() {
      errors.append(("output \(index)", try KerasLayerFixtures.error(output, expected)))
    }
    let expectedGradients = [fixture.inputGradient] + fixture.weightGradients
    #expect(gradients.count == expectedGradients.count, "\(name): gradient count")
    for (index, (gradient, expected)) in zip(gradients, expectedGradients).enumerated() {
      let computed = try gradient ?? Tensor.zeros(expected.shape)
      let what = index == 0 ? "d/dinput" : "d/d\(trainable[index - 1].path)"
      errors.append((what, try KerasLayerFixtures.error(computed, expected)))
    }
    for (what, error) in errors {
      #expect(error <= Self.tolerance, "\(name) \(what): error \(error)")
    }
    if ProcessInfo.processInfo.environment["PLEXUS_PARITY_REPORT"] != nil {
      let worst = errors.max { $0.1 < $1.1 }.map { "\($0.0) \($0.1)" } ?? "-"
      print("parity \(name): largest error \(worst)")
    }
  }
}

import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// ReLU, LeakyReLU, ELU, PReLU and Identity beyond Keras's numbers (`KerasLayer2ParityTests`):
/// the layer contract, hand-worked values, settings Keras refuses, and PReLU's weight.
@Suite struct ActivationLayerTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ ReLU(maxValue: 1, negativeSlope: 0.1) }, inputShape: [2, 5]) == [])
    #expect(try checkLayerContract({ LeakyReLU() }, inputShape: [2, 3, 2]) == [])
    #expect(try checkLayerContract({ ELU(alpha: 0.5) }, inputShape: [3, 4]) == [])
    #expect(try checkLayerContract({ PReLU(sharedAxes: [1]) }, inputShape: [2, 3, 4]) == [])
    #expect(try checkLayerContract({ Identity() }, inputShape: [2, 3]) == [])
  }

  /// Keras's documented example: ReLU(max_value=10, negative_slope=0.5) on
  /// [-10, -5, 0, 5, 10] gives [-5, -2.5, 0, 5, 10].
  @Test func reluWorksKerasExample() throws {
    let x = try Tensor([Float(-10), -5, 0, 5, 10], shape: [1, 5])
    #expect(try ReLU(maxValue: 10, negativeSlope: 0.5)(x).floats() == [-5, -2.5, 0, 5, 10])
    #expect(try ReLU(maxValue: 4)(x).floats() == [0, 0, 0, 4, 4])
    #expect(try ReLU(threshold: 5)(x).floats() == [0, 0, 0, 0, 10])
    #expect(try LeakyReLU(negativeSlope: 0.5)(x).floats() == [-5, -2.5, 0, 5, 10])
    let elu = try ELU(alpha: 2)(x).floats()
    #expect(abs(elu[0] - 2 * (Float(Foundation.exp(Double(-10))) - 1)) <= 1e-6 && elu[4] == 10)
    #expect(try Identity()(x).floats() == x.floats())
  }

  @Test func badSettingsAreRefusedNamingThem() throws {
    let x = try Tensor([Float(1), 2], shape: [1, 2])
    for layer: Layer in [
      ReLU(maxValue: -1), ReLU(negativeSlope: -0.1), ReLU(threshold: .nan),
      LeakyReLU(negativeSlope: -1), ELU(alpha: .infinity), PReLU(sharedAxes: [0]),
      PReLU(sharedAxes: [Int.max]),
    ] {
      let text = thrownText { try layer(x) } ?? ""
      #expect(text.contains(layer.name), "\(text)")
    }
    var config = ReLU().serialized.value
    if case .object(var top) = config, case .object(var settings)? = top["config"] {
      settings["max_value"] = -3
      top["config"] = .object(settings)
      config = .object(top)
    }
    #expect(throws: PlexusError.self) { try Layer.fromConfig(config) }
  }

  /// PReLU: one slope per feature (1 along shared axes), trained by gradient, regularized,
  /// and a config that reloads; Keras's deprecated `alpha` name of LeakyReLU's slope is read.
  @Test func preluLearnsItsSlopes() throws {
    let layer = PReLU(
      alphaInitializer: .constant(0.25), alphaRegularizer: L2(0.5), sharedAxes: [1])
    let x = try Tensor([Float(-1), 2, -3, 4, -5, 6], shape: [1, 3, 2])
    _ = try layer(x)  // builds: a variable made while recording is not watched
    let tape = GradientTape()
    let (y, objective) = try tape.record {
      let y = try layer(x)
      return (y, try Ops.sum(y))
    }
    #expect(layer.alpha?.shape == [1, 2])
    #expect(try y.floats() == [-0.25, 2, -0.75, 4, -1.25, 6])
    let gradient = try #require(try tape.gradient(of: objective, wrt: [layer.alpha!])[0])
    // d/dalpha of alpha·x summed over the negative x of each feature.
    #expect(try gradient.floats() == [-9, 0])
    #expect(try layer.losses.map { try $0.floats() } == [[0.5 * 2 * 0.0625]])
    let copy = try #require(try Layer.fromConfig(layer.serialized.value) as? PReLU)
    #expect(copy.sharedAxes == [1])
    let legacy: ConfigValue = [
      "class_name": "LeakyReLU", "config": ["name": "old", "alpha": 0.1, "trainable": true],
    ]
    #expect((try Layer.fromConfig(legacy) as? LeakyReLU)?.negativeSlope == 0.1)
    // Both names: Keras takes `alpha`.
    let both: ConfigValue = [
      "class_name": "LeakyReLU",
      "config": ["name": "both", "alpha": 0.1, "negative_slope": 0.3, "trainable": true],
    ]
    #expect((try Layer.fromConfig(both) as? LeakyReLU)?.negativeSlope == 0.1)
  }
}

import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// GroupNormalization and UnitNormalization beyond Keras's numbers
/// (`KerasLayer2ParityTests`): the layer contract, values worked here in Double, and settings
/// Keras refuses.
@Suite struct GroupNormalizationTests {
  @Test func keepTheLayerContract() throws {
    #expect(try checkLayerContract({ GroupNormalization(groups: 2) }, inputShape: [2, 3, 4]) == [])
    #expect(
      try checkLayerContract({ UnitNormalization(axis: [1, 2]) }, inputShape: [2, 3, 4]) == [])
  }

  /// Two groups of two channels over (steps, channels): each group's values normalized by its
  /// own mean and biased variance.
  @Test func eachGroupIsNormalizedByItsOwnMoments() throws {
    let values: [Float] = [1, 2, 10, 20, 3, 4, 30, 40]  // (1, 2 steps, 4 channels)
    let y = try GroupNormalization(groups: 2, epsilon: 0)(Tensor(values, shape: [1, 2, 4]))
    func normalized(_ group: [Double]) -> [Double] {
      let mean = group.reduce(0, +) / Double(group.count)
      let variance = group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(group.count)
      return group.map { ($0 - mean) / variance.squareRoot() }
    }
    let first = normalized([1, 2, 3, 4])
    let second = normalized([10, 20, 30, 40])
    let expected = [
      first[0], first[1], second[0], second[1], first[2], first[3], second[2], second[3],
    ]
    for (value, reference) in zip(try y.floats(), expected) {
      #expect(abs(Double(value) - reference) <= 1e-5)
    }
    // -1 is one group per channel, and the config then holds the channel count, as Keras's.
    let instance = GroupNormalization(groups: -1)
    _ = try instance(Tensor(values, shape: [1, 2, 4]))
    #expect(instance.config["groups"] == .int(4))
  }

  /// Keras's GroupNormalization supports masking: the input's mask comes out with the output.
  @Test func theMaskPassesThrough() throws {
    let mask = try Tensor([true, false], shape: [1, 2])
    let x = try Tensor([Float(1), 2, 10, 20, 3, 4, 30, 40], shape: [1, 2, 4]).withMask(mask)
    let y = try GroupNormalization(groups: 2)(x)
    #expect(try y.mask?.scalars(Bool.self) == [true, false])
  }

  @Test func unitNormalizationGivesUnitRows() throws {
    let y = try UnitNormalization()(Tensor([Float(3), 4, 0, 0], shape: [2, 2])).floats()
    #expect(y == [0.6, 0.8, 0, 0])
  }

  @Test func badSettingsAreRefusedNamingThem() throws {
    let x = try Tensor([Float](repeating: 1, count: 12), shape: [2, 2, 3])
    for layer: Layer in [
      GroupNormalization(groups: 2), GroupNormalization(groups: 4),
      GroupNormalization(groups: 0), GroupNormalization(axis: 0),
      GroupNormalization(axis: Int.min), GroupNormalization(groups: 3, epsilon: .nan),
      UnitNormalization(axis: 3), UnitNormalization(axis: [1, -2]),
    ] {
      let text = thrownText { try layer(x) } ?? ""
      #expect(text.contains(layer.name), "\(text)")
    }
  }
}

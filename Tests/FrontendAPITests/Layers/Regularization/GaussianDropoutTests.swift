import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// GaussianDropout and ActivityRegularization beyond the configs Keras wrote
/// (`KerasLayer2ParityTests`): the noise's moments, seeds, the penalty worked by hand, and bad
/// settings.
@Suite struct GaussianDropoutTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ GaussianDropout(0.3) }, inputShape: [2, 3]) == [])
    #expect(try checkLayerContract({ ActivityRegularization(l1: 0.1) }, inputShape: [2, 3]) == [])
  }

  /// At inference the identity; training multiplies by N(1, rate / (1 - rate)): over many
  /// values of 1 the mean is near 1 and the variance near rate / (1 - rate).
  @Test func theNoiseHasDropoutsVariance() throws {
    let layer = GaussianDropout(0.2, seed: 5)
    let ones = try Tensor([Float](repeating: 1, count: 20_000), shape: [100, 200])
    #expect(try layer(ones).floats() == ones.floats())
    let noisy = try layer(ones, training: true).floats().map(Double.init)
    let mean = noisy.reduce(0, +) / Double(noisy.count)
    let variance = noisy.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(noisy.count)
    #expect(abs(mean - 1) < 0.01, "\(mean)")
    #expect(abs(variance - 0.25) < 0.01, "\(variance)")
    // A seeded layer draws the same noise again when made again.
    let again = try GaussianDropout(0.2, seed: 5)(ones, training: true).floats().map(Double.init)
    #expect(again == noisy)
  }

  /// Keras's penalty: (l1 · Σ|x| + l2 · Σx²) over the batch size, worked by hand.
  @Test func theActivityPenaltyIsKerass() throws {
    let layer = ActivityRegularization(l1: 0.5, l2: 0.25)
    let x = try Tensor([Float(1), -2, 3, -4], shape: [2, 2])
    #expect(try layer(x).floats() == x.floats())
    let penalty = try #require(try layer.losses.first).floats()
    #expect(penalty == [Float((0.5 * 10 + 0.25 * 30) / 2)])
  }

  @Test func badSettingsAreRefusedNamingThem() throws {
    let x = try Tensor([Float(1), 2], shape: [1, 2])
    for layer: Layer in [
      GaussianDropout(1), GaussianDropout(-0.1), GaussianDropout(.nan),
      ActivityRegularization(l1: -1), ActivityRegularization(l2: .infinity),
    ] {
      let text = thrownText { try layer(x) } ?? ""
      #expect(text.contains(layer.name), "\(text)")
    }
  }
}

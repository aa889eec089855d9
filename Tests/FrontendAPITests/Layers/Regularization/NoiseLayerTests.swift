import PlexusTestSupport
import Testing

@testable import Plexus

@Suite(.serialized) struct NoiseLayerTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ GaussianNoise(0.5) }, inputShape: [2, 3], expectedWeights: 0) == [])
    #expect(
      try checkLayerContract({ SpatialDropout1D(0.5) }, inputShape: [2, 3, 4], expectedWeights: 0)
        == [])
    #expect(
      try checkLayerContract(
        { SpatialDropout2D(0.5) }, inputShape: [2, 3, 3, 2], expectedWeights: 0)
        == [])
  }

  @Test func gaussianNoiseAddsNoiseOnlyWhileTraining() throws {
    setRandomSeed(1)
    let x = try Tensor.zeros([200, 50])
    let layer = GaussianNoise(0.5)
    #expect(try layer(x).floats().allSatisfy { $0 == 0 })
    let noise = try layer(x, training: true).floats().map(Double.init)
    let variance = noise.map { $0 * $0 }.reduce(0, +) / Double(noise.count)
    #expect(Swift.abs(variance.squareRoot() - 0.5) < 0.02)
    // A seeded layer repeats from a fresh layer, and draws anew at each call.
    let first = try GaussianNoise(1, seed: 4)(x, training: true).floats()
    let seeded = GaussianNoise(1, seed: 4)
    #expect(try seeded(x, training: true).floats() == first)
    #expect(try seeded(x, training: true).floats() != first)
  }

  @Test func spatialDropoutDropsWholeChannels() throws {
    setRandomSeed(2)
    let x = try Tensor.ones([4, 5, 6, 8])
    let y = try SpatialDropout2D(0.5)(x, training: true).floats()
    var dropped = 0
    for sample in 0..<4 {
      for channel in 0..<8 {
        let cells = (0..<30).map { y[(sample * 30 + $0) * 8 + channel] }
        #expect(Set(cells).count == 1 && (cells[0] == 0 || cells[0] == 2))
        if cells[0] == 0 { dropped += 1 }
      }
    }
    #expect(dropped > 0 && dropped < 32)
    let z = try SpatialDropout1D(0.5)(Tensor.ones([3, 7, 4]), training: true).floats()
    for sample in 0..<3 {
      for channel in 0..<4 {
        #expect(Set((0..<7).map { z[(sample * 7 + $0) * 4 + channel] }).count == 1)
      }
    }
    #expect(try SpatialDropout1D(0.5)(Tensor.ones([3, 7, 4])).floats().allSatisfy { $0 == 1 })
  }

  @Test func badSettingsAreErrorsNamingTheLayer() throws {
    for stddev in [-1, Double.nan, .infinity] {
      #expect(
        thrownText { try GaussianNoise(stddev)(Tensor.ones([1, 2])) }?.contains("GaussianNoise")
          == true)
    }
    for rate in [-0.1, 1, .nan] {
      #expect(
        thrownText { try SpatialDropout1D(rate)(Tensor.ones([1, 2, 2])) }?.contains(
          "SpatialDropout1D") == true)
    }
    #expect(
      thrownText { try SpatialDropout2D(0.1)(Tensor.ones([1, 2, 2])) }?.contains("rank 4") == true)
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite(.serialized) struct DropoutTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ Dropout(0.5) }, inputShape: [4, 6], expectedWeights: 0) == [])
  }

  @Test func dropsAboutRateAndScalesTheRest() throws {
    setRandomSeed(5)
    let x = try Tensor.ones([100, 100])
    let y = try Dropout(0.25)(x, training: true).scalars(Float.self)
    let zeros = y.filter { $0 == 0 }.count
    #expect(Swift.abs(Double(zeros) / 10_000 - 0.25) < 0.02)
    #expect(y.filter { $0 != 0 }.allSatisfy { Swift.abs($0 - 1 / 0.75) < 1e-6 })
    #expect(
      try Dropout(0.25)(x, training: false).scalars(Float.self)
        == [Float](repeating: 1, count: 10_000))
  }

  @Test func theMaskFollowsTheSeededStream() throws {
    let x = try Tensor.ones([8, 8])
    let y = try withRandomSeed(9) { try Dropout(0.5)(x, training: true) }.scalars(Float.self)
    // Element i is dropped where word i of the stream keyed by the seed, as a uniform draw, is
    // below the rate, whichever backend runs the draw.
    let expected = (0..<64).map { index -> Float in
      let block = UInt64(index / 4)
      let words = Philox.block(
        counter: (UInt32(truncatingIfNeeded: block), UInt32(block >> 32), 0, 0), key: (9, 0))
      let word = [words.0, words.1, words.2, words.3][index % 4]
      return Float(Double(word >> 8) * 0x1p-24) >= 0.5 ? 2 : 0
    }
    #expect(y == expected)
  }

  /// Keras's `seed`: a fresh layer of one seed drops the same inputs, whatever the process
  /// stream; each call draws anew.
  @Test func aSeededLayerRepeatsFromAFreshLayer() throws {
    let x = try Tensor.ones([16, 16])
    let first = try withRandomSeed(1) { try Dropout(0.5, seed: 3)(x, training: true).floats() }
    let seeded = Dropout(0.5, seed: 3)
    let again = try withRandomSeed(2) { try seeded(x, training: true).floats() }
    #expect(again == first)
    #expect(try seeded(x, training: true).floats() != first)
    #expect(try Dropout(0.5, seed: 4)(x, training: true).floats() != first)
  }

  /// Keras's `noise_shape`: one draw per cell of it, shared along its axes of size 1.
  @Test func aNoiseShapeSharesDrawsAlongItsAxesOfOne() throws {
    let x = try Tensor.ones([6, 5, 4])
    let y = try withRandomSeed(6) {
      try Dropout(0.5, noiseShape: [nil, 1, nil])(x, training: true)
    }.floats()
    var dropped = 0
    for sample in 0..<6 {
      for feature in 0..<4 {
        let column = (0..<5).map { y[sample * 20 + $0 * 4 + feature] }
        #expect(Set(column).count == 1, "one draw along the steps")
        #expect(column[0] == 0 || column[0] == 2)
        if column[0] == 0 { dropped += 1 }
      }
    }
    #expect(dropped > 0 && dropped < 24)
    let text = try #require(
      thrownText { try Dropout(0.5, noiseShape: [nil, 3, nil], name: "d")(x, training: true) })
    #expect(text.contains("'d'") && text.contains("noise_shape"))
  }

  /// Keras writes `seed` and `noise_shape`; a config holding them loads and writes them back.
  @Test func seedAndNoiseShapeRoundTripThroughTheConfig() throws {
    let layer = Dropout(0.3, noiseShape: [nil, 1], seed: 11, name: "drop")
    #expect(layer.config["seed"] == .int(11))
    #expect(layer.config["noise_shape"] == .array([.null, .int(1)]))
    let loaded = try #require(try Layer.fromConfig(layer.serialized.value) as? Dropout)
    #expect(loaded.seed == 11 && loaded.noiseShape == [nil, 1] && loaded.rate == 0.3)
    let bad = Dropout(0.3, noiseShape: [0], name: "bad").serialized.value
    #expect(thrownText { try Layer.fromConfig(bad) }?.contains("noise_shape") == true)
  }

  @Test func rateOutOfRangeIsAnError() {
    #expect(throws: PlexusError.self) { try Dropout(1.5)(Tensor.ones([2, 2])) }
  }
}

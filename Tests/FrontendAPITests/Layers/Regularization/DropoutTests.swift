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

  @Test func rateOutOfRangeIsAnError() {
    #expect(throws: PlexusError.self) { try Dropout(1.5)(Tensor.ones([2, 2])) }
  }
}

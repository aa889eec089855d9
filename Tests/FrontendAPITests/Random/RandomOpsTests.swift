import BackendProtocol
import Foundation
import PlexusReference
import Testing

@testable import Plexus

/// Random draws are ops keyed by the seed and a counter offset: their values follow from the
/// Philox stream alone, whatever the backend or thread count.
@Suite struct RandomOpsTests {
  /// Word `index` of the stream keyed by `seed` from block `offset`, computed here from the
  /// Philox block function alone.
  private func word(_ index: Int, seed: UInt64, offset: UInt64 = 0) -> UInt32 {
    let block = offset + UInt64(index / 4)
    let words = Philox.block(
      counter: (UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), 0, 0),
      key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
    return [words.0, words.1, words.2, words.3][index % 4]
  }

  @Test(arguments: ["reference", "openblas"])
  func uniformIsTheStreamScaled(backend: String) throws {
    let values = try withRandomSeed(77) {
      try withBackend(backend) { try Ops.randomUniform([3, 5], minval: -1, maxval: 3) }
    }
    #expect(values.shape == [3, 5])
    let expected = (0..<15).map { index -> Float in
      Float(-1 + 4 * Double(word(index, seed: 77) >> 8) * 0x1p-24)
    }
    #expect(try values.scalars(Float.self) == expected)
  }

  @Test func normalPairsAreBoxMullerOfTwoWords() throws {
    let values = try withRandomSeed(3) { try Ops.randomNormal([5], dtype: .float64) }
      .scalars(Double.self)
    for pair in 0..<3 {
      let u1 = 1 - Double(word(2 * pair, seed: 3) >> 8) * 0x1p-24
      let u2 = Double(word(2 * pair + 1, seed: 3) >> 8) * 0x1p-24
      let radius = (-2 * Foundation.log(u1)).squareRoot()
      #expect(Swift.abs(values[2 * pair] - radius * Foundation.cos(2 * .pi * u2)) < 1e-12)
      if 2 * pair + 1 < 5 {
        #expect(Swift.abs(values[2 * pair + 1] - radius * Foundation.sin(2 * .pi * u2)) < 1e-12)
      }
    }
  }

  @Test func drawsAdvanceTheStreamByTheirSizeOnly() throws {
    // Whatever a truncated normal rejects, the next draw starts at the same place.
    let (a, b) = try withRandomSeed(9) {
      (try Ops.truncatedNormal([101]), try Ops.randomUniform([4]))
    }
    let (c, d) = try withRandomSeed(9) {
      (try Ops.randomNormal([101]), try Ops.randomUniform([4]))
    }
    #expect(try b.scalars(Float.self) == d.scalars(Float.self))
    #expect(try a.scalars(Float.self).allSatisfy { Swift.abs($0) <= 2 })
    // Elements within two standard deviations are the normal draw's own.
    for (t, n) in zip(try a.scalars(Float.self), try c.scalars(Float.self)) where Swift.abs(n) <= 2
    {
      #expect(t == n)
    }
  }

  @Test(arguments: [OpCode.randomUniform, .randomNormal, .randomTruncatedNormal])
  func threadCountChangesNoBit(op: OpCode) throws {
    let draw = RandomDraw(op: op, key: 0xDEAD_BEEF, offset: 12345, first: 0, second: 1)
    var results: [[Float]] = []
    for threads in [1, 2, 3] {
      let backend = ReferenceBackend()
      backend.setThreadCount(threads)
      let out = try TensorBuffer.allocate(.float32, [300_001])
      try backend.random(draw, out)
      results.append(Array(UnsafeBufferPointer(start: out.pointer(Float.self), count: out.count)))
    }
    #expect(results[0] == results[1])
    #expect(results[0] == results[2])
  }

  @Test func invalidParametersAreErrors() throws {
    #expect(throws: PlexusError.self) { try Ops.randomUniform([2], minval: 1, maxval: 0) }
    #expect(throws: PlexusError.self) { try Ops.randomNormal([2], stddev: -1) }
    #expect(throws: PlexusError.self) { try Ops.randomNormal([2], mean: .nan) }
    #expect(throws: PlexusError.self) { try Ops.randomUniform([2], dtype: .int32) }
  }
}

@Suite struct RandomRangeTests {
  @Test func aRangeWiderThanADoubleIsAnError() throws {
    #expect(throws: PlexusError.self) { try Ops.randomUniform([2], minval: -1e308, maxval: 1e308) }
  }
}

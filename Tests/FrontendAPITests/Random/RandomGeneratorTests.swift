import Testing

@testable import Plexus

@Suite struct PhiloxTests {
  // Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
  @Test func knownAnswers() {
    let zero = Philox.block(counter: (0, 0, 0, 0), key: (0, 0))
    #expect(
      [zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
    let ones = Philox.block(
      counter: (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), key: (0xffff_ffff, 0xffff_ffff)
    )
    #expect(
      [ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
    let pi = Philox.block(
      counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0)
    )
    #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
  }
}

@Suite(.serialized) struct RandomGeneratorTests {
  @Test func sameSeedSameStream() throws {
    let (first, second) = try withRandomSeed(42) {
      (try RandomGenerator.uniform(count: 10), try RandomGenerator.uniform(count: 10))
    }
    #expect(try withRandomSeed(42) { try RandomGenerator.uniform(count: 10) } == first)
    #expect(second != first)
  }

  @Test func distributionsHaveTheirMoments() throws {
    setRandomSeed(7)
    let normal = try RandomGenerator.normal(count: 20_000, mean: 1, standardDeviation: 2)
    let mean = normal.reduce(0, +) / Double(normal.count)
    let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normal.count)
    #expect(Swift.abs(mean - 1) < 0.05)
    #expect(Swift.abs(variance - 4) < 0.15)
    let truncated = try RandomGenerator.truncatedNormal(count: 5_000)
    #expect(truncated.allSatisfy { Swift.abs($0) <= 2 })
    let uniform = try RandomGenerator.uniform(count: 5_000, low: -3, high: 5)
    #expect(uniform.allSatisfy { $0 >= -3 && $0 < 5 })
  }

  @Test func permutationIsAPermutation() throws {
    setRandomSeed(3)
    let order = try RandomGenerator.permutation(1000)
    #expect(order.sorted() == Array(0..<1000))
    #expect(order != Array(0..<1000))
  }

  @Test func tensorsDrawnInPlaceMatchTheArrayDraws() throws {
    for count in [0, 1, 7, 1000] {
      let uniform = try withRandomSeed(5) { try Ops.randomUniform([count], minval: -2, maxval: 3) }
      let uniformArray = try withRandomSeed(5) {
        try RandomGenerator.uniform(count: count, low: -2, high: 3)
      }
      #expect(try uniform.floats() == uniformArray.map { Float($0) })
      let normal = try withRandomSeed(6) {
        try Ops.randomNormal([count], mean: 1, stddev: 2, dtype: .float64)
      }
      let normalArray = try withRandomSeed(6) {
        try RandomGenerator.normal(count: count, mean: 1, standardDeviation: 2)
      }
      #expect(try normal.scalars(Double.self) == normalArray)
      let truncated = try withRandomSeed(7) {
        try Ops.truncatedNormal([count], mean: -1, stddev: 0.5, dtype: .float64)
      }
      let truncatedArray = try withRandomSeed(7) {
        try RandomGenerator.truncatedNormal(count: count, mean: -1, standardDeviation: 0.5)
      }
      #expect(try truncated.scalars(Double.self) == truncatedArray)
      #expect(truncatedArray.allSatisfy { Swift.abs($0 + 1) <= 1 })
    }
  }

  @Test func countsOutsideWhatTheMachineHoldsAreErrors() {
    for count in [-1, Int.min, Int.max, Shape.maximumElementCount + 1] {
      #expect(throws: PlexusError.self) { try RandomGenerator.uniform(count: count) }
      #expect(throws: PlexusError.self) { try RandomGenerator.normal(count: count) }
      #expect(throws: PlexusError.self) { try RandomGenerator.truncatedNormal(count: count) }
      #expect(throws: PlexusError.self) { try RandomGenerator.permutation(count) }
    }
    #expect((try? RandomGenerator.permutation(0)) == [])
  }

  @Test func weightsAreIdenticalOnEveryBackend() throws {
    let onReference = try withRandomSeed(11) {
      try withBackend("reference") { try Initializer.glorotUniform([20, 30]) }
    }
    let (onOpenBLAS, statistics) = try Dispatcher.recordingStatistics {
      try withRandomSeed(11) {
        try withBackend("openblas") { try Initializer.glorotUniform([20, 30]) }
      }
    }
    #expect(try onReference.scalars(Float.self) == onOpenBLAS.scalars(Float.self))
    // OpenBLAS has no random kernel: the draw is an op that falls back, counted, and its
    // values come from the stream alone (RandomOpsTests checks them against Philox itself).
    #expect(statistics.fallbackCount(backend: "openblas", op: .randomUniform) == 1)
  }
}

import Testing

@testable import Plexus

/// The shuffle `fit` uses: a uniform permutation that depends on the seed.
@Suite struct PermutationTests {
  @Test func differentSeedsGiveDifferentOrders() throws {
    let orders = try (0..<8).map { seed in
      try withRandomSeed(UInt64(seed)) { try RandomGenerator.permutation(50) }
    }
    #expect(Set(orders).count == orders.count)
    for order in orders { #expect(order.sorted() == Array(0..<50)) }
    // Not a rotation of the identity (what a shuffle that always swaps with 0 gives).
    for order in orders {
      let rotated = (0..<50).map { (order[0] + $0) % 50 }
      #expect(order != rotated)
    }
  }

  @Test func everyElementReachesTheFrontAboutEquallyOften() throws {
    // Over 2,000 shuffles of 4, each element comes first about 500 times.
    var counts = [Int](repeating: 0, count: 4)
    try withRandomSeed(17) {
      for _ in 0..<2_000 { counts[try RandomGenerator.permutation(4)[0]] += 1 }
    }
    for count in counts { #expect((400...600).contains(count), "\(counts)") }
  }
}

import Testing

@testable import Plexus

@Suite(.serialized) struct InitializerTests {
  @Test func glorotUniformStaysWithinItsLimit() throws {
    setRandomSeed(1)
    let values = try Initializer.glorotUniform([100, 50]).scalars(Float.self)
    let limit = Float((6.0 / 150).squareRoot())
    #expect(values.allSatisfy { Swift.abs($0) <= limit })
    #expect(values.contains { Swift.abs($0) > limit * 0.9 })
  }

  @Test func heNormalHasItsStandardDeviation() throws {
    setRandomSeed(2)
    let values = try Initializer.heNormal([400, 100]).scalars(Float.self).map(Double.init)
    let variance = values.map { $0 * $0 }.reduce(0, +) / Double(values.count)
    #expect(Swift.abs(variance.squareRoot() - (2.0 / 400).squareRoot()) < 0.005)
  }

  @Test func constantsAndNames() throws {
    #expect(try Initializer.constant(0.5)([3]).scalars(Float.self) == [0.5, 0.5, 0.5])
    #expect(try Initializer.zeros([2]).scalars(Float.self) == [0, 0])
    #expect(try Initializer(name: "glorot_uniform") == .glorotUniform)
    #expect(throws: PlexusError.self) { try Initializer(name: "nope") }
  }

  @Test func fansFollowKeras() {
    #expect(Initializer.fans([3, 3, 16, 32]) == (144, 288))
    #expect(Initializer.fans([784, 128]) == (784, 128))
  }
}

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

  @Test func masksAreIdenticalOnEveryBackend() throws {
    let x = try Tensor.ones([8, 8])
    let a = try withRandomSeed(9) {
      try withBackend("reference") { try Dropout(0.5)(x, training: true) }
    }
    let b = try withRandomSeed(9) {
      try withBackend("openblas") { try Dropout(0.5)(x, training: true) }
    }
    #expect(try a.scalars(Float.self) == b.scalars(Float.self))
  }

  @Test func rateOutOfRangeIsAnError() {
    #expect(throws: PlexusError.self) { try Dropout(1.5)(Tensor.ones([2, 2])) }
  }
}

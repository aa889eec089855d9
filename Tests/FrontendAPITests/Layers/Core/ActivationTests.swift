import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct ActivationTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract({ Activation(.gelu) }, inputShape: [3, 4], expectedWeights: 0) == [])
  }

  @Test func appliesItsFunction() throws {
    let x = try Tensor([-1, 2] as [Float], shape: [1, 2])
    #expect(try Activation(.relu)(x).scalars(Float.self) == [0, 2])
  }
}

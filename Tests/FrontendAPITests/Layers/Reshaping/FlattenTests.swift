import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct FlattenTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ Flatten() }, inputShape: [2, 3, 4], expectedWeights: 0) == [])
  }

  @Test func keepsTheBatchAxis() throws {
    #expect(try Flatten()(Tensor.zeros([5, 28, 28])).shape == [5, 784])
  }
}

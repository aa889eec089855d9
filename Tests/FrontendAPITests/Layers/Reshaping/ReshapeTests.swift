import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct ReshapeTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract({ Reshape([3, -1]) }, inputShape: [2, 12], expectedWeights: 0) == [])
  }

  @Test func reshapesEverySample() throws {
    #expect(try Reshape([28, 28, 1])(Tensor.zeros([3, 784])).shape == [3, 28, 28, 1])
  }

  @Test func aTargetThatDoesNotFitNamesTheLayer() throws {
    do {
      _ = try Reshape([5, 5], name: "reshape_bad")(Tensor.zeros([2, 12]))
      Issue.record("reshaping 12 elements into (5, 5) must throw")
    } catch let error as PlexusError {
      #expect(error.description.contains("reshape_bad"))
      #expect(error.description.contains("(2, 12)"))
    }
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct Cropping2DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ Cropping2D(cropping: 1) }, inputShape: [2, 4, 4, 2]) == [])
    #expect(
      try checkLayerContract({ Cropping2D(cropping: ((1, 0), (0, 2))) }, inputShape: [1, 3, 4, 1])
        == [])
  }

  @Test func cropsTheEdges() throws {
    let x = try Tensor((1...6).map(Float.init), shape: [1, 2, 3, 1])
    let y = try Cropping2D(cropping: ((1, 0), (0, 1)))(x)
    #expect(y.shape == [1, 1, 2, 1])
    #expect(try y.scalars(Float.self) == [4, 5])
    #expect(Cropping2D().config["cropping"] == [[0, 0], [0, 0]])
  }

  @Test func croppingEverythingNamesTheLayer() throws {
    let text = thrownText {
      try Cropping2D(cropping: [1, 2], name: "crop")(Tensor.zeros([1, 3, 4, 1]))
    }
    #expect(text?.contains("'crop' (Cropping2D)") == true && text?.contains("cropping") == true)
    let negative = thrownText {
      try Cropping2D(cropping: -1, name: "neg")(Tensor.zeros([1, 3, 4, 1]))
    }
    #expect(negative?.contains("'neg' (Cropping2D)") == true)
  }
}

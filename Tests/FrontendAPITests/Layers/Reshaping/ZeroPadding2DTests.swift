import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct ZeroPadding2DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ ZeroPadding2D() }, inputShape: [2, 3, 2, 2]) == [])
    #expect(
      try checkLayerContract(
        { ZeroPadding2D(padding: ((1, 0), (2, 1))) }, inputShape: [1, 2, 2, 1])
        == [])
  }

  @Test func padsWithZeros() throws {
    let x = try Tensor([1, 2] as [Float], shape: [1, 1, 2, 1])
    let y = try ZeroPadding2D(padding: ((1, 0), (0, 1)))(x)
    #expect(y.shape == [1, 2, 3, 1])
    #expect(try y.scalars(Float.self) == [0, 0, 0, 1, 2, 0])
    #expect(ZeroPadding2D(padding: [1, 2]).config["padding"] == [[1, 1], [2, 2]])
  }

  @Test func badSettingsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 2, 2, 1])
    for layer in [
      ZeroPadding2D(padding: -1, name: "z0"), ZeroPadding2D(padding: [1, 2, 3], name: "z1"),
    ] {
      #expect(thrownText { try layer(x) }?.contains("'\(layer.name)' (ZeroPadding2D)") == true)
    }
    #expect(
      thrownText { try ZeroPadding2D(name: "z2")(Tensor.zeros([2, 2])) }?.contains("z2") == true)
    let first = thrownText {
      try Layer.fromConfig(
        serialized(ZeroPadding2D(), setting: "data_format", to: "channels_first"))
    }
    #expect(first?.contains("ZeroPadding2D") == true)
  }
}

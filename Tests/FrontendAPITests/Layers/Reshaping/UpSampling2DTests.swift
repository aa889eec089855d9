import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct UpSampling2DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ UpSampling2D() }, inputShape: [2, 2, 3, 2]) == [])
    #expect(
      try checkLayerContract(
        { UpSampling2D(size: [3, 2], interpolation: .bilinear) }, inputShape: [1, 2, 2, 1]) == [])
  }

  @Test func nearestRepeatsEachCell() throws {
    let x = try Tensor([1, 2] as [Float], shape: [1, 1, 2, 1])
    let y = try UpSampling2D(size: [2, 2])(x)
    #expect(y.shape == [1, 2, 4, 1])
    #expect(try y.scalars(Float.self) == [1, 1, 2, 2, 1, 1, 2, 2])
  }

  @Test func bilinearInterpolatesBetweenCentres() throws {
    let x = try Tensor([0, 4] as [Float], shape: [1, 1, 2, 1])
    let y = try UpSampling2D(size: [1, 2], interpolation: .bilinear)(x)
    // Samples at -0.25, 0.25, 0.75, 1.25 of the input grid, clamped at the edges.
    #expect(try y.scalars(Float.self) == [0, 1, 3, 4])
  }

  @Test func badSettingsNameTheLayer() throws {
    let text = thrownText { try UpSampling2D(size: 0, name: "up")(Tensor.zeros([1, 2, 2, 1])) }
    #expect(text?.contains("'up' (UpSampling2D)") == true)
    let bicubic = thrownText {
      try Layer.fromConfig(serialized(UpSampling2D(), setting: "interpolation", to: "bicubic"))
    }
    #expect(bicubic?.contains("UpSampling2D") == true && bicubic?.contains("bicubic") == true)
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct DepthwiseConv2DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { DepthwiseConv2D(kernelSize: 3, depthMultiplier: 2) }, inputShape: [1, 4, 4, 2],
        expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        { DepthwiseConv2D(kernelSize: 2, strides: 2, padding: .same, useBias: false) },
        inputShape: [2, 3, 3, 3], expectedWeights: 1) == [])
  }

  @Test func keepsChannelsApart() throws {
    let layer = DepthwiseConv2D(
      kernelSize: 1, depthMultiplier: 2, useBias: false, depthwiseInitializer: .ones)
    let x = try Tensor([1, 10] as [Float], shape: [1, 1, 1, 2])
    // Output channel c·2 + m is channel c times kernel[0, 0, c, m].
    #expect(try layer(x).scalars(Float.self) == [1, 1, 10, 10])
    #expect(layer.kernel?.shape == [1, 1, 2, 2])
  }

  @Test func badSettingsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 3, 3, 2])
    for (layer, word) in [
      (DepthwiseConv2D(kernelSize: 3, depthMultiplier: 0, name: "d0"), "depth_multiplier"),
      (DepthwiseConv2D(kernelSize: [3, 3, 3], name: "d1"), "kernel_size"),
      (DepthwiseConv2D(kernelSize: 4, name: "d2"), "does not fit"),
      (DepthwiseConv2D(kernelSize: 2, padding: .causal, name: "d3"), "padding"),
    ] {
      let text = thrownText { try layer(x) }
      #expect(text?.contains("'\(layer.name)' (DepthwiseConv2D)") == true, "\(text ?? "")")
      #expect(text?.contains(word) == true, "\(text ?? "")")
    }
  }
}

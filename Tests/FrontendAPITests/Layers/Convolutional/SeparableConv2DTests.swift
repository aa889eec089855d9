import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct SeparableConv2DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { SeparableConv2D(3, kernelSize: 3, depthMultiplier: 2) }, inputShape: [1, 4, 4, 2],
        expectedWeights: 3) == [])
    #expect(
      try checkLayerContract(
        { SeparableConv2D(2, kernelSize: 3, strides: 2, padding: .same, useBias: false) },
        inputShape: [1, 5, 4, 2], expectedWeights: 2) == [])
  }

  @Test func isADepthwiseThenAPointwiseConvolution() throws {
    let layer = SeparableConv2D(2, kernelSize: 2, padding: .same, depthMultiplier: 2)
    let x = try sampleTensor([1, 3, 3, 2], seed: 31).cast(to: .float32)
    let y = try layer(x)
    let depthwise = try #require(layer.depthwiseKernel).value
    let pointwise = try #require(layer.pointwiseKernel).value
    let expected = try Ops.conv2d(Ops.depthwiseConv2d(x, depthwise, padding: .same), pointwise)
    #expect(try y.scalars(Float.self) == expected.scalars(Float.self))
    #expect(pointwise.shape == [1, 1, 4, 2])
    #expect(layer.weights.map(\.name) == ["depthwise_kernel", "pointwise_kernel", "bias"])
  }

  @Test func badSettingsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 3, 3, 2])
    for (layer, word) in [
      (SeparableConv2D(0, kernelSize: 3, name: "s0"), "filters"),
      (SeparableConv2D(2, kernelSize: 3, strides: 0, name: "s1"), "strides"),
      (SeparableConv2D(2, kernelSize: 5, name: "s2"), "does not fit"),
    ] {
      let text = thrownText { try layer(x) }
      #expect(text?.contains("'\(layer.name)' (SeparableConv2D)") == true, "\(text ?? "")")
      #expect(text?.contains(word) == true, "\(text ?? "")")
    }
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct Conv2DTransposeTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Conv2DTranspose(2, kernelSize: 3, strides: 2) }, inputShape: [1, 3, 2, 3],
        expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        {
          Conv2DTranspose(
            3, kernelSize: [3, 2], strides: 2, padding: .same, outputPadding: [1, 0])
        },
        inputShape: [2, 2, 3, 2], expectedWeights: 2) == [])
  }

  @Test func upsamplesAsKerasSizesIt() throws {
    let x = try Tensor.zeros([2, 7, 5, 4])
    let layer = Conv2DTranspose(3, kernelSize: 3, strides: 2)
    #expect(try layer(x).shape == [2, 15, 11, 3])
    #expect(layer.kernel?.shape == [3, 3, 3, 4])
    #expect(
      try Conv2DTranspose(3, kernelSize: 3, strides: 2, padding: .same)(x).shape == [2, 14, 10, 3])
    #expect(try Conv2DTranspose(3, kernelSize: 2, strides: 3)(x).shape == [2, 21, 15, 3])
    #expect(
      try Conv2DTranspose(3, kernelSize: 3, strides: 2).computeOutputShape([[-1, -1, 5, 4]])
        == [-1, -1, 11, 3])
  }

  @Test func spreadsEachCellOverTheKernel() throws {
    let layer = Conv2DTranspose(
      1, kernelSize: 2, strides: 2, useBias: false, kernelInitializer: .ones)
    let x = try Tensor([1, 2] as [Float], shape: [1, 1, 2, 1])
    #expect(try layer(x).scalars(Float.self) == [1, 1, 2, 2, 1, 1, 2, 2])
  }

  @Test func badSettingsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 3, 3, 2])
    for (layer, word) in [
      (
        Conv2DTranspose(2, kernelSize: 3, strides: 2, outputPadding: 2, name: "t0"),
        "output_padding"
      ),
      (Conv2DTranspose(2, kernelSize: 3, strides: 2, dilationRate: 2, name: "t1"), "dilation_rate"),
      (Conv2DTranspose(0, kernelSize: 3, name: "t2"), "filters"),
    ] {
      let text = thrownText { try layer(x) }
      #expect(text?.contains("'\(layer.name)' (Conv2DTranspose)") == true, "\(text ?? "")")
      #expect(text?.contains(word) == true, "\(text ?? "")")
    }
    #expect(Conv2DTranspose(2, kernelSize: 3).config["groups"] == nil)
    #expect(Conv2DTranspose(2, kernelSize: 3).config["output_padding"] == .null)
  }
}

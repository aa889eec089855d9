import PlexusTestSupport
import Testing

@testable import Plexus

/// Conv1DTranspose beyond the Keras fixtures (`KerasLayerParityTests`, `conv1d_transpose_*`):
/// the layer contract, Keras's output lengths, a hand-worked spread, and clear errors.
@Suite struct Conv1DTransposeTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Conv1DTranspose(2, kernelSize: 3, strides: 2) }, inputShape: [2, 4, 3],
        expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        { Conv1DTranspose(3, kernelSize: 3, strides: 2, padding: .same, outputPadding: 1) },
        inputShape: [1, 5, 2], expectedWeights: 2) == [])
  }

  @Test func upsamplesAsKerasSizesIt() throws {
    let x = try Tensor.zeros([2, 7, 4])
    let layer = Conv1DTranspose(3, kernelSize: 3, strides: 2)
    #expect(try layer(x).shape == [2, 15, 3])
    #expect(layer.kernel?.shape == [3, 3, 4])
    #expect(
      try Conv1DTranspose(3, kernelSize: 3, strides: 2, padding: .same)(x).shape == [2, 14, 3])
    #expect(try Conv1DTranspose(3, kernelSize: 2, strides: 3)(x).shape == [2, 21, 3])
    #expect(
      try Conv1DTranspose(3, kernelSize: 3, strides: 2, padding: .same, outputPadding: 1)(x).shape
        == [2, 14, 3])
    #expect(
      try Conv1DTranspose(3, kernelSize: 3, strides: 2).computeOutputShape([[-1, -1, 4]])
        == [-1, -1, 3])
  }

  /// Each step spreads over the kernel's two taps, stride 2: (1, 2) → (1, 1, 2, 2).
  @Test func spreadsEachStepOverTheKernel() throws {
    let layer = Conv1DTranspose(
      1, kernelSize: 2, strides: 2, useBias: false, kernelInitializer: .ones)
    let x = try Tensor([1, 2] as [Float], shape: [1, 2, 1])
    #expect(try layer(x).scalars(Float.self) == [1, 1, 2, 2])
  }

  @Test func badSettingsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 3, 2])
    for (layer, word) in [
      (
        Conv1DTranspose(2, kernelSize: 3, strides: 2, outputPadding: 2, name: "t0"),
        "output_padding"
      ),
      (
        Conv1DTranspose(2, kernelSize: 3, strides: 2, outputPadding: -1, name: "t1"),
        "output_padding"
      ),
      (Conv1DTranspose(2, kernelSize: 3, padding: .causal, name: "t2"), "causal"),
      (Conv1DTranspose(0, kernelSize: 3, name: "t3"), "filters"),
      (Conv1DTranspose(2, kernelSize: SpatialSize([Int.max]), name: "t4"), "kernel"),
    ] {
      let text = thrownText { try layer(x) }
      #expect(text?.contains("'\(layer.name)' (Conv1DTranspose)") == true, "\(text ?? "")")
      #expect(text?.contains(word) == true, "\(text ?? "")")
    }
    #expect(Conv1DTranspose(2, kernelSize: 3).config["groups"] == nil)
    #expect(
      Conv1DTranspose(2, kernelSize: 3, strides: 2, outputPadding: 0).config["output_padding"] == [
        0
      ])
    #expect(thrownText { try Conv1DTranspose(2, kernelSize: 3)(Tensor.zeros([2, 3])) } != nil)
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

/// Conv3DTranspose beyond the Keras fixtures (`KerasLayer2ParityTests`, `conv3d_transpose*`):
/// the layer contract, Keras's output sizes, the adjoint of conv3d (⟨conv3d(x), y⟩ =
/// ⟨x, conv3dTranspose(y)⟩, an independent check), every backend, an encoder-decoder Keras
/// opens, and clear errors.
@Suite struct Conv3DTransposeTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Conv3DTranspose(2, kernelSize: 2, strides: 2) }, inputShape: [2, 2, 3, 2, 3],
        expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        { Conv3DTranspose(3, kernelSize: 3, strides: [2, 1, 2], padding: .same) },
        inputShape: [1, 2, 2, 3, 2], expectedWeights: 2) == [])
  }

  @Test func sizesAsKeras() throws {
    let x = try Tensor.zeros([1, 3, 4, 5, 2])
    let layer = Conv3DTranspose(4, kernelSize: 3, strides: 2)
    #expect(try layer(x).shape == [1, 7, 9, 11, 4])
    #expect(layer.kernel?.shape == [3, 3, 3, 4, 2])
    #expect(
      try Conv3DTranspose(4, kernelSize: 3, strides: 2, padding: .same)(x).shape
        == [1, 6, 8, 10, 4])
    #expect(
      try Conv3DTranspose(4, kernelSize: 2, strides: [3, 1, 2], outputPadding: [2, 0, 1])(x)
        .shape == [1, 10, 5, 11, 4])
    #expect(
      try Conv3DTranspose(4, kernelSize: 3, strides: 2).computeOutputShape([[-1, 3, 4, 5, 2]])
        == [-1, 7, 9, 11, 4])
  }

  /// The transpose is the adjoint of the convolution with the same kernel and geometry.
  @Test(arguments: [
    ([1, 1, 1], Padding.valid, [1, 1, 1]), ([2, 1, 2], Padding.valid, [1, 1, 1]),
    ([2, 2, 1], Padding.same, [1, 1, 1]), ([1, 1, 1], Padding.same, [2, 1, 1]),
  ])
  func isTheAdjointOfTheConvolution(_ strides: [Int], _ padding: Padding, _ dilations: [Int])
    throws
  {
    let kernel = try withRandomSeed(3) { try Ops.randomNormal([3, 2, 2, 3, 2]) }
    let x = try withRandomSeed(4) { try Ops.randomNormal([2, 8, 6, 6, 3]) }
    let forward = try Ops.conv3d(
      x, kernel, strides: strides, padding: padding, dilationRate: dilations)
    let y = try withRandomSeed(5) { try Ops.randomNormal(forward.shape) }
    // The convolution's [.., channels, filters] kernel is the transpose's [.., filters,
    // channels] kernel: the same tensor.
    let back = try Ops.conv3dTranspose(
      y, kernel, strides: strides, padding: padding, dilationRate: dilations)
    // With odd sizes, a strided convolution leaves the last cells out: the transpose's output
    // is then shorter than x, and the cells it lacks have no gradient.
    let cropped = try Ops.slice(
      x, starts: [0, 0, 0, 0, 0], sizes: back.shape.dims)
    let left = try Ops.sum(Ops.multiply(forward, y)).item()
    let right = try Ops.sum(Ops.multiply(cropped, back)).item()
    #expect(abs(left - right) <= 1e-4 * max(1, abs(left)), "\(left) vs \(right)")
  }

  @Test func everyBackendAgrees() throws {
    try expectEveryBackendAgrees(tolerance: 1e-4) {
      let layer = Conv3DTranspose(
        2, kernelSize: [2, 3, 2], strides: [2, 1, 2], padding: .same, activation: .relu,
        kernelInitializer: .constant(0.2), biasInitializer: .constant(-0.1))
      let x = try Tensor((0..<72).map { Float($0 % 11) / 11 - 0.3 }, shape: [2, 2, 3, 2, 3])
      return try outputAndGradients(layer, x)
    }
  }

  /// A small 3-D encoder-decoder (a U-Net's shape without the skip): it learns to pass a volume
  /// through, and is written for `scripts/keras-interop.sh` to open in Keras.
  @Test func trainsAnEncoderDecoder() throws {
    try withRandomSeed(21) {
      let model = Sequential([
        Input(shape: [4, 4, 4, 1]), Conv3D(4, kernelSize: 3, padding: .same, activation: .relu),
        MaxPooling3D(poolSize: 2), Conv3DTranspose(4, kernelSize: 2, strides: 2),
        Conv3D(1, kernelSize: 1),
      ])
      try model.compile(optimizer: Adam(learningRate: 0.02), loss: MeanSquaredError())
      let x = try Ops.randomUniform([16, 4, 4, 4, 1])
      let history = try model.fit(x, x, batchSize: 4, epochs: 8, verbose: 0)
      let losses = try #require(history.history["loss"])
      #expect(losses.last! < losses.first! * 0.7, "\(losses)")
      #expect(try model.predict(x).shape == [16, 4, 4, 4, 1])
      try KerasFileExportTests.record(model, inputs: [x], name: "plexus_volume_decoder")
    }
  }

  @Test func refusesBadInputsClearly() throws {
    func error(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    let volume = try Tensor.zeros([1, 2, 2, 2, 3])
    #expect(
      error { try Conv3DTranspose(2, kernelSize: 2, name: "up")(Tensor.zeros([1, 2, 2, 3])) }
        .contains("up"))
    #expect(
      error { try Conv3DTranspose(2, kernelSize: 2, strides: 2, outputPadding: 2)(volume) }
        .contains("output_padding"))
    #expect(
      error { try Conv3DTranspose(2, kernelSize: 2, padding: .causal)(volume) }.contains(
        "causal"))
    #expect(
      error { try Conv3DTranspose(2, kernelSize: SpatialSize(Int.max))(volume) }.contains(
        "does not fit"))
    #expect(
      error { try Ops.conv3dTranspose(volume, Tensor.zeros([2, 2, 2, 2, 4])) }.contains(
        "same channels"))
    #expect(
      error { try Ops.conv3dTranspose(volume, Tensor.zeros([2, 2, 2, 2, 3]), strides: [2, 2]) }
        .contains("one or three values"))
  }
}

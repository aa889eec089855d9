import PlexusTestSupport
import Testing

@testable import Plexus

/// Conv3D beyond the Keras fixtures (`KerasLayer2ParityTests`, `conv3d*`): the layer contract,
/// a hand-worked sum, a plain loop over every tap as an independent reference (strides,
/// dilation, "same" padding, groups), every backend forward and backward, and clear errors.
@Suite struct Conv3DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Conv3D(2, kernelSize: 2) }, inputShape: [2, 3, 4, 4, 2], expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        { Conv3D(4, kernelSize: [1, 3, 2], strides: 2, padding: .same, groups: 2) },
        inputShape: [1, 3, 5, 4, 2], expectedWeights: 2) == [])
  }

  /// A 2×2×2 kernel of ones over ones sums eight cells; "same" padding counts the cells inside.
  @Test func sumsTheCellsOfEachWindow() throws {
    let x = try Tensor.ones([1, 3, 3, 3, 1])
    let valid = Conv3D(1, kernelSize: 2, useBias: false, kernelInitializer: .ones)
    let y = try valid(x)
    #expect(y.shape == [1, 2, 2, 2, 1])
    #expect(try y.floats() == Array(repeating: 8, count: 8))
    let same = Conv3D(1, kernelSize: 2, padding: .same, useBias: false, kernelInitializer: .ones)
    // Keras pads after the volume for an even kernel: the last cell along an axis sees one.
    let padded = try same(x).floats()
    #expect(padded.count == 27)
    #expect(padded[0] == 8 && padded[26] == 1 && padded[2] == 4 && padded[8] == 2)
  }

  /// conv3d against a loop over every output cell and kernel tap, in Double.
  @Test(arguments: [
    ([1, 1, 1], [1, 1, 1], Padding.valid, 1),
    ([2, 1, 2], [1, 1, 1], Padding.same, 1),
    ([1, 1, 1], [2, 1, 2], Padding.same, 1),
    ([1, 2, 1], [1, 1, 1], Padding.valid, 2),
    ([3, 2, 1], [1, 1, 1], Padding.same, 2),
  ])
  func equalsALoopOverEveryTap(
    _ strides: [Int], _ dilations: [Int], _ padding: Padding, _ groups: Int
  ) throws {
    let (batch, depth, height, width, channels, filters) = (2, 5, 4, 6, 4, 4)
    let kernelSize = [2, 3, 2]
    let x = try withRandomSeed(5) {
      try Ops.randomUniform([batch, depth, height, width, channels])
    }
    let kernel = try withRandomSeed(6) {
      try Ops.randomUniform(Shape(kernelSize + [channels / groups, filters]))
    }
    let y = try Ops.conv3d(
      x, kernel, strides: strides, padding: padding, dilationRate: dilations)
    let expected = try Self.loopConvolution(
      x, kernel, strides: strides, dilations: dilations, padding: padding, groups: groups)
    #expect(y.shape == expected.shape)
    let (mine, theirs) = (try y.floats(), try expected.floats())
    #expect(mine.count == theirs.count)
    for (a, b) in zip(mine, theirs) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
  }

  /// The reference: each output cell as the sum over its taps, padding placed as Keras does.
  static func loopConvolution(
    _ x: Tensor, _ kernel: Tensor, strides: [Int], dilations: [Int], padding: Padding,
    groups: Int
  ) throws -> Tensor {
    let input = try x.floats()
    let weights = try kernel.floats()
    let (n, c) = (x.shape[0], x.shape[4])
    let size = [x.shape[1], x.shape[2], x.shape[3]]
    let taps = [kernel.shape[0], kernel.shape[1], kernel.shape[2]]
    let (perGroup, filters) = (kernel.shape[3], kernel.shape[4])
    var out = [Int]()
    var before = [Int]()
    for axis in 0..<3 {
      let reach = (taps[axis] - 1) * dilations[axis] + 1
      if padding == .same {
        let length = (size[axis] + strides[axis] - 1) / strides[axis]
        out.append(length)
        before.append(max((length - 1) * strides[axis] + reach - size[axis], 0) / 2)
      } else {
        out.append((size[axis] - reach) / strides[axis] + 1)
        before.append(0)
      }
    }
    var result = [Float]()
    let outPerGroup = filters / groups
    for b in 0..<n {
      for od in 0..<out[0] {
        for oh in 0..<out[1] {
          for ow in 0..<out[2] {
            for f in 0..<filters {
              var total = 0.0
              let group = f / outPerGroup
              for kd in 0..<taps[0] {
                for kh in 0..<taps[1] {
                  for kw in 0..<taps[2] {
                    let d = od * strides[0] + kd * dilations[0] - before[0]
                    let h = oh * strides[1] + kh * dilations[1] - before[1]
                    let w = ow * strides[2] + kw * dilations[2] - before[2]
                    guard (0..<size[0]).contains(d), (0..<size[1]).contains(h),
                      (0..<size[2]).contains(w)
                    else { continue }
                    for ci in 0..<perGroup {
                      let channel = group * perGroup + ci
                      let xi = (((b * size[0] + d) * size[1] + h) * size[2] + w) * c + channel
                      let ki = (((kd * taps[1] + kh) * taps[2] + kw) * perGroup + ci) * filters + f
                      total += Double(input[xi]) * Double(weights[ki])
                    }
                  }
                }
              }
              result.append(Float(total))
            }
          }
        }
      }
    }
    return try Tensor(result, shape: Shape([n] + out + [filters]))
  }

  /// Forward and gradients agree on the reference, OpenBLAS and oneDNN backends.
  @Test func everyBackendAgrees() throws {
    try expectEveryBackendAgrees(tolerance: 1e-4) {
      let layer = Conv3D(
        3, kernelSize: [2, 2, 3], strides: [1, 2, 1], padding: .same, activation: .relu,
        kernelInitializer: .constant(0.1), biasInitializer: .constant(0.05))
      let x = try Tensor((0..<240).map { Float($0 % 17) / 17 - 0.4 }, shape: [2, 3, 4, 5, 2])
      return try outputAndGradients(layer, x)
    }
  }

  /// A small volume classifier in the shape of Keras's CT-scan example, through every 3-D
  /// layer: it learns, saves, loads, and is written for `scripts/keras-interop.sh` to open in
  /// Keras.
  @Test func trainsAVolumeModel() throws {
    try withRandomSeed(11) {
      let model = Sequential([
        Input(shape: [4, 6, 6, 1]), ZeroPadding3D(padding: 1),
        Conv3D(4, kernelSize: 3, activation: .relu), MaxPooling3D(poolSize: 2),
        UpSampling3D(size: 2), Cropping3D(cropping: [1, 1, 1]),
        AveragePooling3D(poolSize: 2, padding: .same), Conv3D(2, kernelSize: 1),
        GlobalMaxPooling3D(), Dense(1, activation: .sigmoid),
      ])
      #expect(try model.layers[5].computeOutputShape([[-1, 2, 4, 4, 4]]) == [-1, 1, 2, 2, 4])
      try model.compile(optimizer: Adam(learningRate: 0.05), loss: BinaryCrossentropy())
      // Bright volumes are class 1, dark ones class 0.
      let x = try Ops.multiply(
        Ops.randomUniform([32, 4, 6, 6, 1]),
        Ops.reshape(
          Tensor((0..<32).map { Float($0 % 2) * 0.8 + 0.2 }, shape: [32]), [32, 1, 1, 1, 1]))
      let y = try Tensor((0..<32).map { Float($0 % 2) }, shape: [32, 1])
      let history = try model.fit(x, y, batchSize: 8, epochs: 10, verbose: 0)
      let losses = try #require(history.history["loss"])
      #expect(losses.last! < losses.first! * 0.8, "\(losses)")
      try KerasFileExportTests.record(model, inputs: [x], name: "plexus_volumes")
    }
  }

  @Test func refusesBadInputsClearly() throws {
    func error(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    let layer = Conv3D(2, kernelSize: 3, name: "volume")
    let flat = try Tensor.zeros([1, 4, 4, 1])
    #expect(error { try layer(flat) }.contains("volume"))
    #expect(
      error { try Conv3D(2, kernelSize: 3, name: "deep")(Tensor.zeros([1, 2, 4, 4, 1])) }
        .contains("deep"))
    for bad in [0, -1, Int.min] {
      #expect(
        error { try Conv3D(2, kernelSize: SpatialSize(bad))(Tensor.zeros([1, 3, 3, 3, 1])) }
          .contains("kernel_size"))
    }
    #expect(
      error { try Conv3D(2, kernelSize: [2, 2])(Tensor.zeros([1, 3, 3, 3, 1])) }.contains(
        "kernel_size"))
    #expect(
      error { try Conv3D(2, kernelSize: SpatialSize(Int.max))(Tensor.zeros([1, 3, 3, 3, 1])) }
        .contains(
          "does not fit"))
    #expect(
      error { try Conv3D(2, kernelSize: 2, padding: .causal)(Tensor.zeros([1, 3, 3, 3, 1])) }
        .contains("causal"))
    let x = try Tensor.zeros([1, 3, 3, 3, 2])
    #expect(
      error { try Ops.conv3d(x, Tensor.zeros([2, 2, 2, 2, 1], dtype: .float64)) }.contains(
        "kernel in the input's float32"))
    #expect(error { try Ops.conv3d(x, Tensor.zeros([2, 2, 2, 3, 1])) }.contains("divide"))
    #expect(
      error { try Ops.conv3d(x, Tensor.zeros([2, 2, 2, 2, 1]), strides: [1, 2]) }.contains(
        "one or three values"))
    #expect(
      error { try Ops.conv3d(x, Tensor.zeros([2, 2, 2, 2, 1]), strides: [0]) }.contains(
        "at least 1"))
    #expect(error { try Ops.conv3d(x, Tensor.zeros([4, 2, 2, 2, 1])) }.contains("depth"))
  }
}

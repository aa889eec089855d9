import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct Conv2DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Conv2D(3, kernelSize: 3, activation: .tanh) }, inputShape: [2, 5, 5, 2],
        expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        { Conv2D(4, kernelSize: [2, 3], strides: 2, padding: .same, groups: 2, useBias: false) },
        inputShape: [1, 5, 6, 4], expectedWeights: 1) == [])
    #expect(
      try checkLayerContract(
        { Conv2D(2, kernelSize: 2, dilationRate: [2, 1]) }, inputShape: [1, 6, 4, 1],
        expectedWeights: 2) == [])
  }

  @Test func sumsEachWindowWithAOnesKernel() throws {
    let layer = Conv2D(1, kernelSize: 2, kernelInitializer: .ones, biasInitializer: .constant(1))
    let x = try Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9] as [Float], shape: [1, 3, 3, 1])
    let y = try layer(x)
    #expect(y.shape == [1, 2, 2, 1])
    #expect(try y.scalars(Float.self) == [13, 17, 25, 29])
    #expect(layer.kernel?.shape == [2, 2, 1, 1])
  }

  @Test func outputShapesFollowKeras() throws {
    let x = try Tensor.zeros([2, 7, 6, 3])
    #expect(try Conv2D(5, kernelSize: 3)(x).shape == [2, 5, 4, 5])
    #expect(try Conv2D(5, kernelSize: 3, strides: 2, padding: .same)(x).shape == [2, 4, 3, 5])
    #expect(try Conv2D(5, kernelSize: 3, dilationRate: 2)(x).shape == [2, 3, 2, 5])
    let symbolic = try Conv2D(5, kernelSize: 3, strides: 2).computeOutputShape([[-1, 7, -1, 3]])
    #expect(symbolic == [-1, 3, -1, 5])
  }

  @Test func badArgumentsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 5, 5, 4])
    let cases: [(Conv2D, String)] = [
      (Conv2D(0, kernelSize: 3, name: "c0"), "filters"),
      (Conv2D(2, kernelSize: [3, 3, 3], name: "c1"), "kernel_size"),
      (Conv2D(2, kernelSize: 3, strides: 2, dilationRate: 2, name: "c2"), "dilation_rate"),
      (Conv2D(3, kernelSize: 3, groups: 2, name: "c3"), "groups"),
      (Conv2D(2, kernelSize: 3, groups: 3, name: "c4"), "groups"),
      (Conv2D(2, kernelSize: 3, padding: .causal, name: "c5"), "causal"),
      (Conv2D(2, kernelSize: 6, name: "c6"), "does not fit"),
    ]
    for (layer, word) in cases {
      let text = thrownText { try layer(x) }
      #expect(text?.contains("(Conv2D)") == true, "\(layer.name): \(text ?? "no error")")
      #expect(text?.contains(word) == true, "\(layer.name): \(text ?? "no error")")
    }
    let text = thrownText { try Conv2D(2, kernelSize: 3, name: "flat")(Tensor.zeros([2, 5, 3])) }
    #expect(text?.contains("'flat' (Conv2D)") == true)
  }

  @Test func configRefusesChannelsFirstAndBadSettings() throws {
    let layer = Conv2D(2, kernelSize: 3)
    let first = thrownText {
      try Layer.fromConfig(serialized(layer, setting: "data_format", to: "channels_first"))
    }
    #expect(first?.contains("Conv2D") == true && first?.contains("channels") == true)
    let causal = thrownText {
      try Layer.fromConfig(serialized(layer, setting: "padding", to: "causal"))
    }
    #expect(causal?.contains("Conv2D") == true)
    let strides = thrownText {
      try Layer.fromConfig(serialized(layer, setting: "strides", to: [1, 2, 3]))
    }
    #expect(strides?.contains("strides") == true)
    let filters = thrownText {
      try Layer.fromConfig(serialized(layer, setting: "filters", to: -1))
    }
    #expect(filters?.contains("filters") == true)
  }

  @Test func regularizersAddPenalties() throws {
    let layer = Conv2D(
      2, kernelSize: 1, kernelInitializer: .ones, kernelRegularizer: L2(0.5),
      activityRegularizer: L1(1))
    _ = try layer(Tensor.ones([2, 1, 1, 3]))
    let losses = try layer.losses.map { try $0.item() }
    // L2: 0.5 · 6 ones; L1 of the output (every output 3) over the batch of 2: 2·2·3 / 2.
    #expect(losses == [3, 6])
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct DenseTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Dense(3, activation: .tanh) }, inputShape: [4, 5], expectedWeights: 2) == [])
    #expect(
      try checkLayerContract(
        { Dense(2, useBias: false) }, inputShape: [3, 2, 4], expectedWeights: 1) == [])
  }

  @Test func computesTheAffineMapByHand() throws {
    let layer = Dense(2, kernelInitializer: .ones, biasInitializer: .constant(0.5))
    let x = try Tensor([1, 2, 3] as [Float], shape: [1, 3])
    #expect(try layer(x).scalars(Float.self) == [6.5, 6.5])
    #expect(layer.kernel?.shape == [3, 2])
  }

  @Test func wrongInputShapeNamesTheLayerAndBothShapes() throws {
    let layer = Dense(4, name: "hidden")
    _ = try layer(Tensor.zeros([2, 784]))
    do {
      _ = try layer(Tensor.zeros([32, 100]))
      Issue.record("a (32, 100) input into a layer built for 784 features must throw")
    } catch let error as PlexusError {
      let text = error.description
      #expect(text.contains("'hidden' (Dense)"))
      #expect(text.contains("784"))
      #expect(text.contains("(32, 100)"))
    }
  }

  @Test func rankOneInputIsRejectedAtBuild() {
    #expect(throws: PlexusError.self) { try Dense(3)(Tensor.zeros([5])) }
  }

  @Test func configUsesKerasKeys() {
    let config = Dense(7, activation: .relu).config
    #expect(config["units"] == .int(7))
    #expect(config["activation"] == .string("relu"))
    #expect(config["use_bias"] == .bool(true))
  }
}

import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// A Keras-style custom layer: one weight made with `addWeight` in `build`.
private final class Scale: Layer {
  private(set) var factor: Variable?

  override func build(inputShape: Shape) throws {
    factor = try addWeight(
      name: "factor", shape: [inputShape[inputShape.rank - 1]], initializer: .constant(2))
  }

  override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let factor else { throw PlexusError.invalidState(context: "Scale", message: "not built") }
    return try x * factor.value
  }

  override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }
}

@Suite struct LayerTests {
  @Test func customLayerWithAddWeightKeepsTheContract() throws {
    #expect(try checkLayerContract({ Scale() }, inputShape: [3, 4], expectedWeights: 1) == [])
    let layer = Scale()
    let y = try layer(Tensor([1, 2] as [Float], shape: [1, 2]))
    #expect(try y.scalars(Float.self) == [2, 4])
    #expect(layer.weights.map(\.name) == ["factor"])
  }

  @Test func namesAreUniquePerClassInSnakeCase() {
    let first = Scale()
    let second = Scale()
    #expect(first.name.hasPrefix("scale"))
    #expect(first.name != second.name)
    #expect(
      LayerNames.snakeCase("SparseCategoricalCrossentropy") == "sparse_categorical_crossentropy")
    #expect(LayerNames.snakeCase("Conv2D") == "conv2d")
  }

  @Test func trainableFalseFreezesWeightsAndHidesThemFromOptimizers() throws {
    let model = Sequential([Dense(3, name: "frozen"), Dense(2, name: "free")])
    _ = try model(Tensor.zeros([1, 4]))
    model.layers[0].trainable = false
    #expect(model.trainableWeights.map(\.path) == ["free.kernel", "free.bias"])
    #expect(model.nonTrainableWeights.count == 2)
    #expect(model.countParams() == 4 * 3 + 3 + 3 * 2 + 2)
  }

  @Test func configIsCodableAsJSON() throws {
    let layer = Dense(5, activation: .gelu, name: "proj")
    let data = try JSONEncoder().encode(layer.config)
    let decoded = try JSONDecoder().decode([String: ConfigValue].self, from: data)
    #expect(decoded == layer.config)
    #expect(decoded["name"] == .string("proj"))
    // Keras writes the inferred axis of a target shape as -1, not null.
    #expect(Reshape([2, -1]).config["target_shape"] == .array([.int(2), .int(-1)]))
  }

  @Test func aLayerWithoutCallSaysSo() {
    final class Empty: Layer {}
    #expect(throws: PlexusError.self) { try Empty()(Tensor.zeros([1, 1])) }
  }
}

@Suite struct LayerBuildTests {
  @Test func buildingByHandMarksTheLayerBuilt() throws {
    let layer = Dense(3)
    try layer.build(inputShape: [-1, 4])
    #expect(layer.built)
    #expect(layer.weights.count == 2)
    _ = try layer(Tensor.ones([2, 4]))
    #expect(layer.built)
    #expect(layer.weights.map(\.name) == ["kernel", "bias"])
    #expect(layer.countParams() == 4 * 3 + 3)
  }

  @Test func aBuildThatCallsItsOwnLayerThrowsInsteadOfWaitingForever() {
    final class SelfCalling: Layer {
      override func build(inputShape: Shape) throws {
        _ = try self(Tensor.zeros(inputShape))
      }
      override func call(_ x: Tensor, training: Bool) throws -> Tensor { x }
    }
    #expect(throws: PlexusError.self) { try SelfCalling()(Tensor.zeros([1, 2])) }
  }
}

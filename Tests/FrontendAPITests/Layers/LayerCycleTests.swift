import Testing

@testable import Plexus

/// A subclassed model that holds a reference back to itself: walks over its layers end.
private final class SelfReferencing: Model {
  let dense = Dense(2)
  var loop: Layer?

  override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try dense(x, training: training)
  }
}

@Suite struct LayerCycleTests {
  @Test func weightsPathsAndTrainableEndOnACycle() throws {
    let model = SelfReferencing()
    // Set before the first call, so the walks that build and cache the structure see it.
    model.loop = model
    _ = try model(Tensor.ones([1, 3]))
    #expect(model.weights.count == 2)
    #expect(model.kerasWeightPaths.count == 2)
    model.trainable = false
    #expect(model.trainableWeights.isEmpty)
    model.trainable = true
    #expect(model.trainableWeights.count == 2)
  }
}

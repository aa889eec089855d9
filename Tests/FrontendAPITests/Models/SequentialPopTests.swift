import Testing

@testable import Plexus

/// `Sequential.pop()`, as Keras's: the kept layers and the removed one keep their weights, and
/// a compiled model trains on without another compile.
@Suite struct SequentialPopTests {
  @Test func popKeepsTheTrainedLayersAndTheRemovedOne() throws {
    let model = withRandomSeed(3) {
      Sequential {
        Input(shape: [3])
        Dense(4, activation: .relu, name: "hidden")
        Dense(1, name: "head")
      }
    }
    let x = try withRandomSeed(4) { try Ops.randomUniform([16, 3], minval: -1, maxval: 1) }
    let y = try Ops.sum(x, axes: [1], keepDims: true)
    try model.compile(optimizer: Adam(learningRate: 0.01), loss: MeanSquaredError())
    try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0)
    let head = try #require(model.layers.last)
    let headWeights = try head.getWeights().map { try $0.floats() }

    let removed = try model.pop()
    #expect(removed === head)
    #expect(model.layers.map(\.name) == ["hidden"])
    let hidden = model.layers[0].getWeights()
    let expected = try Ops.relu(Ops.add(Ops.matmul(x, hidden[0]), hidden[1])).floats()
    let predicted = try model.predict(x)
    #expect(predicted.shape == [16, 4])
    #expect(zip(try predicted.floats(), expected).allSatisfy { abs($0 - $1) <= 1e-6 })
    #expect(try removed.getWeights().map { try $0.floats() } == headWeights)

    // Still compiled: it trains on the new output without another compile.
    let history = try model.fit(x, Ops.zeros([16, 4]), batchSize: 8, epochs: 1, verbose: 0)
    #expect(history.history["loss"]?.first?.isFinite == true)
  }

  @Test func poppingAnEmptyModelIsAnErrorNamingIt() throws {
    let model = Sequential([Dense(2)], name: "stack")
    try model.pop()
    let text = try #require(thrownText { try model.pop() })
    #expect(text.contains("stack") && text.contains("no layers"))
  }
}

import Testing

@testable import Plexus

/// A subclassed model with the same structure as the Sequential and Functional ones below.
private final class SubclassedMLP: Model {
  let flatten = Flatten()
  let hidden = Dense(8, activation: .relu)
  let output = Dense(3)

  override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try output(hidden(flatten(x), training: training), training: training)
  }
}

@Suite(.serialized) struct ModelStylesTests {
  let x: Tensor

  init() throws {
    x = try Tensor((0..<24).map { Float($0) / 24 - 0.5 }, shape: [4, 2, 3])
  }

  @Test func threeStylesGiveTheSameOutputsForTheSameWeights() throws {
    setRandomSeed(1)
    let sequential = Sequential {
      Input(shape: [2, 3])
      Flatten()
      Dense(8, activation: .relu)
      Dense(3)
    }
    let arrayBuilt = Sequential([Flatten(), Dense(8, activation: .relu), Dense(3)])
    let added = Sequential()
    try added.add(Flatten())
    try added.add(Dense(8, activation: .relu))
    try added.add(Dense(3))

    let inputs = Input(shape: [2, 3])
    let hidden = try Dense(8, activation: .relu)(Flatten()(inputs))
    let functional = try Model(inputs: inputs, outputs: Dense(3)(hidden))

    let subclassed = SubclassedMLP()

    let reference = try sequential(x)
    let weights = sequential.getWeights()
    #expect(weights.count == 4)
    for model in [arrayBuilt, added, functional, subclassed] as [Model] {
      _ = try model(x)
      try model.setWeights(weights)
      #expect(
        try model(x).scalars(Float.self) == reference.scalars(Float.self), "\(model.className)")
    }
  }

  @Test func weightPathsFollowStructure() throws {
    let model = SubclassedMLP()
    _ = try model(x)
    #expect(
      model.weights.map(\.path) == ["hidden.kernel", "hidden.bias", "output.kernel", "output.bias"])
    let sequential = Sequential([Dense(2, name: "first"), Dense(1, name: "second")])
    _ = try sequential(Tensor.zeros([1, 3]))
    #expect(
      sequential.weights.map(\.path) == [
        "first.kernel", "first.bias", "second.kernel", "second.bias",
      ])
  }

  @Test func functionalModelWithTwoInputsTwoOutputsAndASharedLayer() throws {
    try withRandomSeed(4) {
      let left = Input(shape: [3])
      let right = Input(shape: [3])
      let shared = Dense(4, activation: .tanh)
      let merged = try Concatenate()([shared(left), shared(right)])
      let sum = try Dense(1, name: "sum")(merged)
      let difference = try Dense(2, name: "difference")(try Add()([shared(left), shared(right)]))
      let model = try Model(inputs: [left, right], outputs: [sum, difference])
      #expect(model.layers.filter { $0 === shared }.count == 1)
      #expect(model.weights.count == 6)
      let a = try Tensor.ones([5, 3])
      let b = try Tensor.zeros([5, 3])
      let outputs = try model(multiple: [a, b])
      #expect(outputs.map(\.shape) == [[5, 1], [5, 2]])

      try model.compile(optimizer: SGD(learningRate: 0.1), loss: "mse")
      let before = try model.evaluate(
        [a, b], [Tensor.ones([5, 1]), Tensor.zeros([5, 2])], verbose: 0)
      try model.fit(
        [a, b], [Tensor.ones([5, 1]), Tensor.zeros([5, 2])], batchSize: 5, epochs: 20, verbose: 0)
      let after = try model.evaluate(
        [a, b], [Tensor.ones([5, 1]), Tensor.zeros([5, 2])], verbose: 0)
      #expect(try #require(after["loss"]) < #require(before["loss"]))
      #expect(after["sum_loss"] != nil && after["difference_loss"] != nil)
    }
  }

  @Test func functionalInputShapeIsChecked() throws {
    let inputs = Input(shape: [4])
    let model = try Model(inputs: inputs, outputs: Dense(2)(inputs), name: "checked")
    do {
      _ = try model(Tensor.zeros([3, 5]))
      Issue.record("a (3, 5) input into a model declared for (None, 4) must throw")
    } catch let error as PlexusError {
      #expect(error.description.contains("checked"))
      #expect(error.description.contains("(3, 5)"))
    }
  }

  @Test func summaryIsKerasShaped() throws {
    let model = Sequential(name: "mlp") {
      Input(shape: [28, 28])
      Flatten(name: "flatten")
      Dense(128, activation: .relu, name: "dense")
      Dense(10, name: "dense_1")
    }
    let text = model.summaryText()
    #expect(text.contains("Model: \"mlp\""))
    #expect(
      text.contains("│ dense (Dense)                   │ (None, 128)            │       100,480 │"))
    #expect(text.contains(" Total params: 101,770 (397.54 KB)"))
    #expect(text.contains(" Non-trainable params: 0 (0.00 B)"))
  }
}

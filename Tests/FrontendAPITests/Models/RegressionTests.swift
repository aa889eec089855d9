import Testing

@testable import Plexus

/// Cases a review found broken, kept so they stay fixed.
@Suite struct RegressionTests {
  @Test func theFirstBatchOfAnUnbuiltModelUpdatesItsWeights() throws {
    final class Tiny: Model {
      let dense = Dense(1, kernelInitializer: .ones)
      override func call(_ x: Tensor, training: Bool) throws -> Tensor { try dense(x) }
    }
    let model = Tiny()
    try model.compile(optimizer: SGD(learningRate: 0.1), loss: "mse")
    _ = try model.trainOnBatch(Tensor.ones([2, 3]), Tensor.zeros([2, 1]))
    let kernel = try #require(model.dense.kernel).value
    #expect(try kernel.scalars(Float.self) != [1, 1, 1])
    #expect(model.optimizer?.iterations == 1)
  }

  @Test func layersAddedAfterBuildAreTrained() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(4)
    }
    _ = model.countParams()  // caches the structure
    try model.add(Dense(2, name: "late"))
    #expect(model.weights.map(\.path).contains("late.kernel"))
    #expect(model.countParams() == 3 * 4 + 4 + 4 * 2 + 2)
  }

  @Test func uint8LabelsTrainAndOutOfRangeLabelsAreNamed() throws {
    let loss = SparseCategoricalCrossentropy(fromLogits: true)
    let logits = try Tensor.zeros([2, 3])
    let value = try loss(Tensor([0, 2] as [UInt8], shape: [2]), logits).item()
    #expect(Swift.abs(value - _log3) < 1e-6)
    do {
      _ = try loss(Tensor([0, 3] as [Int32], shape: [2]), logits)
      Issue.record("label 3 of 3 classes must be rejected")
    } catch let error as PlexusError {
      #expect(error.description.contains("label 3"))
    }
  }

  @Test func emptyReductionsAreTheirIdentity() throws {
    #expect(try Ops.sum(Tensor.zeros([0])).item() == 0)
    #expect(try Ops.prod(Tensor.zeros([0, 3]), axes: [0]).scalars(Float.self) == [1, 1, 1])
  }

  @Test func axesBeyondTheRankAreErrors() throws {
    let scalar = Tensor(Float(1))
    #expect(throws: PlexusError.self) { try Ops.sum(scalar, axes: [0]) }
    #expect(throws: PlexusError.self) { try Ops.concatenate([scalar, scalar]) }
    #expect(throws: PlexusError.self) { try Ops.take(scalar, Tensor([0] as [Int32])) }
  }

  @Test func hugeOrNegativeShapesAreErrors() throws {
    #expect(throws: PlexusError.self) { try Tensor.zeros([Int.max, 2]) }
    #expect(throws: PlexusError.self) { try Ops.randomUniform([-3, 2]) }
    #expect(throws: PlexusError.self) { try Ops.arange(0, .infinity) }
    #expect(throws: PlexusError.self) { try Dense(1 << 40)(Tensor.zeros([1, 4])) }
    #expect(throws: PlexusError.self) { try Config.setThreads(1 << 40) }
    #expect(ConfigValue.double(1e300).intValue == nil)
  }

  @Test func gradientsOfIntermediateValues() throws {
    let tape = GradientTape()
    var x = try Tensor([1, 2] as [Double], shape: [2])
    tape.watch(&x)
    let (hidden, y) = try tape.record { () -> (Tensor, Tensor) in
      let hidden = try x * 3
      return (hidden, try Ops.sum(Ops.square(hidden)))
    }
    let grads = try tape.gradient(of: y, wrt: [hidden, x])
    #expect(try #require(grads[0]).scalars(Double.self) == [6, 12])
    #expect(try #require(grads[1]).scalars(Double.self) == [18, 36])
  }

  @Test func vectorDotVectorIsAScalar() throws {
    let a = try Tensor([1, 2, 3] as [Float], shape: [3])
    let product = try Ops.matmul(a, a)
    #expect(product.shape == [])
    #expect(try product.item() == 14)
  }

  @Test func validationSplitKeepsKerasCounts() throws {
    let source = try BatchSource(
      inputs: [Tensor.zeros([10, 2])], targets: [Tensor.zeros([10])], batchSize: 4, context: "t")
    let (training, validation) = try source.split(validationFraction: 0.25, context: "t")
    #expect(training.count == 7)
    #expect(validation.count == 3)
  }

  @Test func unfreezingKeepsNonTrainableWeightsFrozen() throws {
    final class WithStatistic: Layer {
      override func build(inputShape: Shape) throws {
        try addWeight(name: "kernel", shape: [2], initializer: .ones)
        try addWeight(name: "moving_mean", shape: [2], initializer: .zeros, trainable: false)
      }
      override func call(_ x: Tensor, training: Bool) throws -> Tensor { x }
    }
    let layer = WithStatistic()
    _ = try layer(Tensor.zeros([1, 2]))
    layer.trainable = false
    layer.trainable = true
    #expect(layer.trainableWeights.map(\.name) == ["kernel"])
  }
}

private let _log3 = 1.0986122886681098

import Plexus
import Testing

/// A mask on the predictions weighs the metrics Keras's `MeanMetricWrapper` weighs by it: the
/// accuracies and the mean absolute error count the kept steps only, in eager and compiled
/// steps; metrics Keras does not weigh (Precision) ignore it.
@Suite struct MetricMaskTests {
  /// Ids with padding (0) and labels: 6 kept steps, 3 of them labelled 0; every padded step is
  /// labelled 1. A model that always answers class 0 is right on half the kept steps (Keras
  /// 3.15 with this model: accuracy 0.5) and on a quarter of all steps.
  static var ids: Tensor {
    get throws { try Tensor([1, 2, 0, 0, 3, 4, 5, 0, 6, 0, 0, 0] as [Int32], shape: [3, 4]) }
  }
  static var labels: Tensor {
    get throws { try Tensor([0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1] as [Int32], shape: [3, 4]) }
  }

  /// Embedding(maskZero) → Dense(2) with a zero kernel and bias [1, 0]: class 0 everywhere.
  static func model(runEagerly: Bool) throws -> Sequential {
    let model = Sequential {
      Input(shape: [4], dtype: .int32)
      Embedding(10, 3, maskZero: true)
      Dense(2)
    }
    let dense = model.layers[1]
    try dense.setWeights([Tensor.zeros([3, 2]), Tensor([1, 0] as [Float])])
    try model.compile(
      optimizer: SGD(learningRate: 0), loss: SparseCategoricalCrossentropy(fromLogits: true),
      metrics: ["accuracy"], runEagerly: runEagerly)
    return model
  }

  @Test(arguments: [false, true])
  func accuracyCountsTheKeptStepsOnly(runEagerly: Bool) throws {
    let model = try Self.model(runEagerly: runEagerly)
    let logs = try model.evaluate(try Self.ids, try Self.labels, batchSize: 3, verbose: 0)
    #expect(logs["accuracy"] == 0.5)
    // Training logs too (the learning rate is 0: the model stays as it is).
    let history = try model.fit(try Self.ids, try Self.labels, batchSize: 3, epochs: 2, verbose: 0)
    #expect(history.history["accuracy"] == [0.5, 0.5])
  }

  /// Binary accuracy counts the kept steps only; Precision ignores the mask, as Keras's does.
  /// Dense(1, sigmoid) with a zero kernel and bias 5 says "positive" everywhere; 3 of the 6
  /// kept steps are positive, no padded one is.
  @Test func binaryAccuracyWeighsByTheMaskAndPrecisionDoesNot() throws {
    let model = Sequential {
      Input(shape: [4], dtype: .int32)
      Embedding(10, 3, maskZero: true)
      Dense(1, activation: .sigmoid)
    }
    try model.layers[1].setWeights([Tensor.zeros([3, 1]), Tensor([5] as [Float])])
    try model.compile(
      optimizer: SGD(learningRate: 0), loss: BinaryCrossentropy(),
      metrics: ["binary_accuracy", Precision(name: "precision")])
    let truth = try Ops.cast(
      Ops.equal(try Self.labels, Tensor.zeros([], dtype: .int32)), to: .float32)
    let logs = try model.evaluate(
      try Self.ids, Ops.reshape(truth, [3, 4, 1]), batchSize: 3, verbose: 0)
    #expect(logs["binary_accuracy"] == 0.5)
    #expect(logs["precision"] == 0.25)
  }

  /// A batch of one sample: a `(1, steps)` mask over `(1, steps, features)` values still weighs
  /// each step's features (the batch axis of size 1 is not dropped).
  @Test func aMaskOverABatchOfOneWeighsItsSteps() throws {
    let metric = Accuracy()
    let truth = try Tensor([1, 1, 0, 0] as [Float], shape: [1, 2, 2])
    let predicted = try Tensor([1, 1, 1, 1] as [Float], shape: [1, 2, 2])
    try metric.update(truth, predicted, sampleWeight: Tensor([1, 0] as [Float], shape: [1, 2]))
    #expect(metric.result() == 1)
  }

  /// A `(batch, steps)` weight over `(batch, steps, features)` values weighs each step's
  /// features together.
  @Test func aStepMaskWeighsEveryFeatureOfTheStep() throws {
    let metric = Metrics.MeanAbsoluteError()
    let truth = try Tensor.zeros([1, 2, 2])
    let predicted = try Tensor([1, 3, 10, 20] as [Float], shape: [1, 2, 2])
    try metric.update(truth, predicted, sampleWeight: Tensor([1, 0] as [Float], shape: [1, 2]))
    #expect(metric.result() == 2)
  }
}

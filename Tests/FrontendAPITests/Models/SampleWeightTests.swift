import Foundation
import Testing

@testable import Plexus

/// `fit(sampleWeight:classWeight:)`: Keras's per-sample and per-class weights of the loss.
@Suite struct SampleWeightTests {
  static func model() throws -> Sequential {
    let model = Sequential(name: "weighted") {
      Input(shape: [3])
      Dense(2, kernelInitializer: .constant(0.1), name: "out")
    }
    try model.compile(optimizer: SGD(learningRate: 0.1), loss: "mse")
    return model
  }

  static let x: [Float] = [1, 2, 3, -1, 0.5, 2, 0, 1, -2, 3, 1, 1]
  static let y: [Float] = [1, 0, 0, 1, 1, 1, 0, 0]

  @Test func theLoggedLossIsTheWeightedMeanKerasComputes() throws {
    let model = try Self.model()
    let x = try Tensor(Self.x, shape: [4, 3])
    let y = try Tensor(Self.y, shape: [4, 2])
    let weights: [Float] = [1, 0, 2, 0.5]
    // Keras: sum over samples of weight · mean squared error, over the batch size.
    let predictions = try model.predict(x).floats()
    var expected = 0.0
    for sample in 0..<4 {
      var squared = 0.0
      for column in 0..<2 {
        let error = Double(predictions[sample * 2 + column] - Self.y[sample * 2 + column])
        squared += error * error / 2
      }
      expected += Double(weights[sample]) * squared
    }
    expected /= 4
    let history = try model.fit(
      x, y, batchSize: 4, epochs: 1, verbose: 0,
      sampleWeight: try Tensor(weights, shape: [4]), shuffle: false)
    let logged = try #require(history.history["loss"]?.first)
    #expect(abs(logged - expected) <= 1e-6 * max(1, expected))
  }

  @Test func classWeightsEqualTheSampleWeightsTheyStandFor() throws {
    let x = try Tensor(Self.x, shape: [4, 3])
    let labels = try Tensor([Int32(0), 1, 1, 0], shape: [4])
    func trained(_ body: (Sequential) throws -> Void) throws -> [Float] {
      let model = Sequential(name: "classes") {
        Input(shape: [3])
        Dense(2, kernelInitializer: .constant(0.1), name: "out")
      }
      try model.compile(
        optimizer: SGD(learningRate: 0.1), loss: SparseCategoricalCrossentropy(fromLogits: true))
      try body(model)
      return try model.weights[0].value.floats()
    }
    let byClass = try trained {
      try $0.fit(
        x, labels, batchSize: 2, epochs: 2, verbose: 0, classWeight: [0: 1, 1: 3],
        shuffle: false)
    }
    let bySample = try trained {
      try $0.fit(
        x, labels, batchSize: 2, epochs: 2, verbose: 0,
        sampleWeight: try Tensor([Float(1), 3, 3, 1], shape: [4]), shuffle: false)
    }
    let unweighted = try trained {
      try $0.fit(x, labels, batchSize: 2, epochs: 2, verbose: 0, shuffle: false)
    }
    #expect(byClass == bySample)
    #expect(byClass != unweighted)
  }

  @Test func badWeightsAreErrors() throws {
    let model = try Self.model()
    let x = try Tensor(Self.x, shape: [4, 3])
    let y = try Tensor(Self.y, shape: [4, 2])
    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch { return "\(error)" }
    }
    #expect(
      message {
        try model.fit(x, y, verbose: 0, sampleWeight: try Tensor([Float(1), 2], shape: [2]))
      }.contains("sampleWeight"))
    #expect(
      message {
        try model.fit(
          x, y, verbose: 0, sampleWeight: try Tensor([Float(1), .nan, 1, 1], shape: [4]))
      }.contains("finite"))
    #expect(
      message { try model.fit(x, y, verbose: 0, classWeight: [0: -1]) }.contains("classWeight"))
  }

  /// Keras's weighted loss of the model's predictions: each sample's half squared error times
  /// its weight, summed over the batch, over the batch size.
  static func expectedLoss(_ model: Model, _ x: Tensor, weights: [Float]) throws -> Double {
    let predictions = try model.predict(x).floats()
    var total = 0.0
    for sample in 0..<weights.count {
      var squared = 0.0
      for column in 0..<2 {
        let error = Double(predictions[sample * 2 + column] - Self.y[sample * 2 + column])
        squared += error * error / 2
      }
      total += Double(weights[sample]) * squared
    }
    return total / Double(weights.count)
  }

  @Test func evaluateAndTrainOnBatchWeighTheLoss() throws {
    let model = try Self.model()
    let x = try Tensor(Self.x, shape: [4, 3])
    let y = try Tensor(Self.y, shape: [4, 2])
    let weights: [Float] = [0.5, 2, 0, 1]
    let expected = try Self.expectedLoss(model, x, weights: weights)
    let evaluated = try model.evaluate(
      x, y, batchSize: 4, verbose: 0, sampleWeight: try Tensor(weights, shape: [4, 1]))
    #expect(abs((evaluated["loss"] ?? .nan) - expected) <= 1e-6 * max(1, expected))
    // The logged loss is the step's forward pass, before its update.
    let trained = try model.trainOnBatch(x, y, sampleWeight: try Tensor(weights, shape: [4]))
    #expect(abs((trained["loss"] ?? .nan) - expected) <= 1e-6 * max(1, expected))
    // Unweighted again: the weights of one call do not stay for the next.
    let unweighted = try model.evaluate(x, y, batchSize: 4, verbose: 0)
    let plain = try Self.expectedLoss(model, x, weights: [1, 1, 1, 1])
    #expect(abs((unweighted["loss"] ?? .nan) - plain) <= 1e-6 * max(1, plain))
  }

  @Test func trainOnBatchWithClassWeightsStepsAsTheSampleWeights() throws {
    let x = try Tensor(Self.x, shape: [4, 3])
    let labels = try Tensor([Int32(0), 1, 1, 0], shape: [4])
    func stepped(_ body: (Sequential) throws -> [String: Double]) throws -> [Float] {
      let model = Sequential(name: "classes") {
        Input(shape: [3])
        Dense(2, kernelInitializer: .constant(0.1), name: "out")
      }
      try model.compile(
        optimizer: SGD(learningRate: 0.1), loss: SparseCategoricalCrossentropy(fromLogits: true))
      _ = try body(model)
      return try model.weights[0].value.floats()
    }
    let byClass = try stepped { try $0.trainOnBatch(x, labels, classWeight: [0: 0.5, 1: 4]) }
    let bySample = try stepped {
      try $0.trainOnBatch(x, labels, sampleWeight: try Tensor([Float(0.5), 4, 4, 0.5], shape: [4]))
    }
    let unweighted = try stepped { try $0.trainOnBatch(x, labels) }
    #expect(byClass == bySample)
    #expect(byClass != unweighted)
  }

  /// Keras weighs classes in the training part of a `validationSplit` only: `val_loss` is the
  /// held-out samples' plain loss, never weighed by class.
  @Test func classWeightsLeaveTheHeldOutSamplesAlone() throws {
    let model = Sequential(name: "frozen_classes") {
      Input(shape: [3])
      Dense(2, kernelInitializer: .constant(0.1), name: "out")
    }
    try model.compile(
      optimizer: SGD(learningRate: 0), loss: SparseCategoricalCrossentropy(fromLogits: true))
    let x = try Tensor(Self.x, shape: [4, 3])
    let labels = try Tensor([Int32(0), 1, 1, 0], shape: [4])
    let heldOut = try Tensor(Array(Self.x[6...]), shape: [2, 3])
    let heldOutLabels = try Tensor([Int32(1), 0], shape: [2])
    let plain = try model.evaluate(heldOut, heldOutLabels, verbose: 0)["loss"] ?? .nan
    let history = try model.fit(
      x, labels, batchSize: 4, verbose: 0, validationSplit: 0.5, classWeight: [0: 5, 1: 3])
    let logged = try #require(history.history["val_loss"]?.first)
    #expect(abs(logged - plain) <= 1e-6 * max(1, plain), "\(logged) against \(plain)")
  }

  /// Keras's label reading: ids rounded half to even (`np.round`), so 0.5 is class 0 and 1.5
  /// class 2; labels of rank 3 (a sequence's) are refused, as Keras fails on them.
  @Test func classIdsRoundAsKerasRoundsThem() throws {
    let model = try Self.model()
    let x = try Tensor(Self.x, shape: [4, 3])
    let ids = try Tensor([Float(0.5), 1.5, 2.5, 3.5], shape: [4])
    let byClass = try model.sampleWeights(
      nil, classWeight: [0: 1, 1: 10, 2: 100, 3: 1000, 4: 10000], targets: [ids], samples: 4,
      context: "test")
    #expect(try byClass?.floats() == [1, 100, 100, 10000])
    let sequences = try Tensor([Float](repeating: 1, count: 8), shape: [4, 2, 1])
    let text =
      thrownText {
        try model.fit(x, sequences, verbose: 0, classWeight: [0: 1])
      } ?? ""
    #expect(text.contains("classWeight labels"), "\(text)")
  }

  @Test func validationWeightsWeighValLoss() throws {
    let model = Sequential(name: "frozen") {
      Input(shape: [3])
      Dense(2, kernelInitializer: .constant(0.1), name: "out")
    }
    try model.compile(optimizer: SGD(learningRate: 0), loss: "mse")
    let x = try Tensor(Self.x, shape: [4, 3])
    let y = try Tensor(Self.y, shape: [4, 2])
    let weights: [Float] = [3, 0, 1, 0.25]
    let history = try model.fit(
      x, y, batchSize: 4, verbose: 0, validationData: (x, y),
      validationSampleWeight: try Tensor(weights, shape: [4]))
    let expected = try Self.expectedLoss(model, x, weights: weights)
    let logged = try #require(history.history["val_loss"]?.first)
    #expect(abs(logged - expected) <= 1e-6 * max(1, expected))
    #expect(throws: PlexusError.self) {
      try model.fit(x, y, verbose: 0, validationSampleWeight: try Tensor(weights, shape: [4]))
    }
    #expect(throws: PlexusError.self) {
      try model.fit(
        x, y, verbose: 0, validationData: (x, y),
        validationSampleWeight: try Tensor([Float(1)], shape: [1]))
    }
  }
}

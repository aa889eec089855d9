import Foundation
import Plexus
import Testing

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
}

import Foundation
import Plexus

/// Small models, data and directories for the callback tests.
enum CallbackFixtures {
  /// A fresh directory for one test's files.
  static func directory() throws -> String {
    let path = NSTemporaryDirectory() + "plexus-callbacks-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// `count` samples of 3 features and a linear target.
  static func data(_ count: Int = 16, seed: Int = 0) throws -> (Tensor, Tensor) {
    let x: [Float] = (0..<count * 3).map { index in
      Float(sin(Double(index * 7 + seed * 13) * 0.37))
    }
    let y: [Float] = (0..<count).map { row in
      let features: ArraySlice<Float> = x[row * 3..<row * 3 + 3]
      let first: Float = features[row * 3] * 0.5
      return first - features[row * 3 + 1] + 0.25 * features[row * 3 + 2]
    }
    return (try Tensor(x, shape: [count, 3]), try Tensor(y, shape: [count, 1]))
  }

  /// A compiled two-layer regression model, its weights drawn from `seed`.
  static func model(
    seed: UInt64 = 1, optimizer: Optimizer = SGD(learningRate: 0.05),
    metrics: [String] = ["mae"]
  ) throws -> Sequential {
    try withRandomSeed(seed) {
      let model = Sequential(name: "regressor") {
        Input(shape: [3])
        Dense(4, activation: .tanh, name: "hidden")
        Dense(1, name: "out")
      }
      try model.compile(optimizer: optimizer, loss: "mse", metrics: metrics)
      return model
    }
  }

  /// Every weight's float32 bit patterns, to compare models bit for bit.
  static func bits(_ model: Model) throws -> [[UInt32]] {
    try model.getWeights().map { try $0.scalars(Float.self).map(\.bitPattern) }
  }
}

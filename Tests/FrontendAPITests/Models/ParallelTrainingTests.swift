import Testing

@testable import Plexus

/// One model's training run, from nothing to its final weights, all inside the caller's task.
private func trainedWeights(seed: UInt64, samples: Int = 64) throws -> [[Float]] {
  try withRandomSeed(seed) {
    let x = try Ops.randomUniform([samples, 12], minval: -1, maxval: 1)
    let y = try Ops.sum(Ops.square(x), axes: [1], keepDims: true)
    let model = Sequential {
      Input(shape: [12])
      Dense(24, activation: .relu)
      Dense(1)
    }
    try model.compile(optimizer: Adam(learningRate: 0.01), loss: "mse")
    try model.fit(x, y, batchSize: 16, epochs: 3, verbose: 0, shuffle: true)
    return try model.getWeights().map { try $0.scalars(Float.self) }
  }
}

@Suite struct ParallelTrainingTests {
  @Test func independentModelsTrainInParallelAsTheyDoSerially() async throws {
    let seeds: [UInt64] = [11, 12, 13, 14]
    let serial = try seeds.map { try trainedWeights(seed: $0) }
    let parallel = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
      for (index, seed) in seeds.enumerated() {
        group.addTask { (index, try trainedWeights(seed: seed)) }
      }
      var results = [[[Float]]](repeating: [], count: seeds.count)
      for try await (index, weights) in group { results[index] = weights }
      return results
    }
    #expect(parallel == serial)
    #expect(serial[0] != serial[1])
  }
}

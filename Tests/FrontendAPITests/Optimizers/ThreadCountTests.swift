import Foundation
import Testing

@testable import Plexus

/// Trains a model whose kernel is large enough for the reference backend to split the fused
/// Adam step across threads (over 2^18 elements), with a split point that is not a multiple
/// of the SIMD width.
private func trainedKernel() throws -> [Float] {
  try withRandomSeed(5) {
    let x = try Ops.randomUniform([8, 604], minval: -1, maxval: 1)
    let y = try Ops.randomUniform([8, 437], minval: -1, maxval: 1)
    let model = Sequential {
      Input(shape: [604])
      Dense(437)
    }
    try model.compile(optimizer: Adam(learningRate: 0.01), loss: "mse")
    try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false)
    return try model.getWeights()[0].scalars(Float.self)
  }
}

@Suite(.serialized) struct ThreadCountTests {
  /// On oneDNN the batch-4 product (4·604·437 multiply-adds) is cut into parts at two threads.
  @Test(arguments: ["reference", "onednn"])
  func trainingGivesTheSameBitsAtOneAndTwoThreads(backend: String) throws {
    let previous = Config.threads
    defer {
      try? Config.setThreads(previous > 0 ? previous : ProcessInfo.processInfo.activeProcessorCount)
    }
    try withBackend(backend) {
      try Config.setThreads(1)
      let one = try trainedKernel()
      try Config.setThreads(2)
      let two = try trainedKernel()
      #expect(one.count == 604 * 437)
      #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    }
  }
}

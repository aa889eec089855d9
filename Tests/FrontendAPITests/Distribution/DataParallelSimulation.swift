import Foundation

@testable import Plexus

/// What N data-parallel processes compute, computed in one process: the same model, data,
/// shuffle and per-rank dropout streams as `plexus distributed-check`, each step's shards run
/// one after another, their gradients scaled by their share of the batch and added in rank
/// order, then one optimizer update. Independent of MPI and of `fit`'s distributed path.
enum DataParallelSimulation {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// `plexus distributed-check`'s model (without BatchNormalization).
  static func build(hidden: Int = 16, dropout: Double) -> Sequential {
    Sequential(name: "parallel_check") {
      Input(shape: [6])
      Dense(hidden, activation: .relu)
      Dropout(dropout)
      Dense(3)
    }
  }

  /// `plexus distributed-check`'s data.
  static func data(samples: Int) throws -> (Tensor, Tensor) {
    var features: [Float] = []
    var labels: [Int32] = []
    for row in 0..<samples {
      let values = (0..<6).map { Float(sin(0.37 * Double(row) + 1.3 * Double($0))) }
      features += values
      let scores = [values[0] + values[1], values[2] - values[3], values[4] + 0.5 * values[5]]
      labels.append(Int32(scores.indices.max { scores[$0] < scores[$1] } ?? 0))
    }
    return (try Tensor(features, shape: [samples, 6]), try Tensor(labels, shape: [samples]))
  }

  /// The final weights (in `model.weights` order) of `processes` processes training from
  /// seed `seed` (or from `checkpoint`, a `.keras` file), as `distributed-check` does.
  static func train(
    processes: Int, epochs: Int = 2, batchSize: Int = 16, samples: Int = 50,
    dropout: Double = 0.25, seed: UInt64 = 7, checkpoint: String? = nil
  ) throws -> [Float] {
    try withBackend("reference") {
      try withRandomSeed(seed) {
        let model: Model
        if let checkpoint {
          model = try loadModel(checkpoint)
        } else {
          model = build(dropout: dropout)
          try model.compile(
            optimizer: Adam(learningRate: 0.01),
            loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])
        }
        let (x, y) = try data(samples: samples)
        try model.buildIfNeeded([[-1, 6]])
        guard let optimizer = model.optimizer else { throw Failure(description: "no optimizer") }
        let variables = model.trainableWeights
        _ = try optimizer.stateVariables(for: variables)
        for _ in 0..<epochs {
          // Each process's stream for draws inside steps, from the shared stream's position as
          // the epoch starts.
          let position = RandomGenerator.position
          let streams = (0..<processes).map {
            RandomGenerator.Stream(
              seed: DataParallel.foldedSeed(
                key: position.key, nextBlock: position.nextBlock, rank: $0))
          }
          let order = try Model.shuffledOrder(samples, context: "simulation")
          var start = 0
          while start < samples {
            let rows = Swift.min(batchSize, samples - start)
            let batch = Array(order[start..<(start + rows)])
            var total: [Tensor] = []
            for rank in 0..<processes {
              let (low, high) =
                rows >= processes
                ? (rows * rank / processes, rows * (rank + 1) / processes) : (0, rows)
              let share =
                rows >= processes ? Double(high - low) / Double(rows) : 1 / Double(processes)
              let indices = try Tensor(Array(batch[low..<high]), shape: [high - low])
              let (xs, ys) = (try Ops.take(x, indices), try Ops.take(y, indices))
              let gradients = try RandomGenerator.$scoped.withValue(streams[rank]) {
                let tape = GradientTape()
                let loss = try tape.record {
                  try model.computeLoss([ys], model.forward([xs], training: true))
                }
                return try tape.gradient(of: loss, wrt: variables)
              }
              let factor = try Tensor.scalar(Double(Float(share)), dtype: .float32)
              let scaled = try gradients.map { gradient in
                guard let gradient else { throw Failure(description: "a gradient is missing") }
                return try Ops.multiply(gradient, factor)
              }
              total = total.isEmpty ? scaled : try zip(total, scaled).map { try Ops.add($0, $1) }
            }
            try optimizer.apply(total, to: variables)
            start += rows
          }
        }
        return try model.weights.flatMap { try $0.value.floats() }
      }
    }
  }

  /// The final weights after a plain `fit` (no distribution) from `checkpoint`.
  static func fit(
    from checkpoint: String, epochs: Int, batchSize: Int = 16, samples: Int = 50,
    seed: UInt64 = 7
  ) throws -> [Float] {
    try withBackend("reference") {
      try withRandomSeed(seed) {
        let model = try loadModel(checkpoint)
        let (x, y) = try data(samples: samples)
        try model.fit(x, y, batchSize: batchSize, epochs: epochs, verbose: 0)
        return try model.weights.flatMap { try $0.value.floats() }
      }
    }
  }
}

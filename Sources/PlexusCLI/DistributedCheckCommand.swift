import ArgumentParser
import Foundation
import Plexus

/// `plexus distributed-check`: one rank of a small data-parallel run that the tests start under
/// `mpirun` and compare with a one-process simulation. It trains a fixed MLP (with dropout) on
/// deterministic data and writes, per rank, the final weights (`rank-R.weights`, raw
/// little-endian float32 in `model.weights` order) and a summary (`rank-R.json`: per-epoch
/// loss, optimizer steps, compiled captures). It can plant faults: a rank that throws, one that
/// dies, one that builds a different model.
struct DistributedCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "distributed-check",
    abstract: "One rank of the data-parallel checks (run it under mpirun).",
    shouldDisplay: false)

  @Option(help: "Directory for the per-rank results.") var out: String
  @Option var epochs = 2
  @Option var batchSize = 16
  @Option var samples = 50
  @Option var dropout = 0.25
  @Option var seed: UInt64 = 7
  @Option var backend = "reference"
  @Flag(help: "Run steps eagerly.") var eager = false
  @Flag(help: "BatchNormalization with the whole batch's statistics.") var syncBatchNorm = false
  @Flag(help: "BatchNormalization with each rank's own statistics.") var localBatchNorm = false
  @Option(help: "This rank throws in epoch --fault-epoch, batch 1.") var failRank: Int?
  @Option(help: "This rank is killed (SIGKILL) in epoch --fault-epoch, batch 1.") var dieRank: Int?
  @Option var faultEpoch = 0
  @Option(help: "This rank exits (status 0) in epoch --fault-epoch, batch 1.") var exitRank: Int?
  @Option(help: "This rank builds a wider hidden layer.") var mismatchRank: Int?
  @Option(help: "This rank has 20 more samples (more batches).") var unevenRank: Int?
  @Flag(help: "No Input layer: the model builds at its first step.") var lazy = false
  /// A custom GradientTape loop instead of fit: each rank builds from its own seed, then
  /// broadcastVariables(of:) and Optimizer.apply's all-reduce keep them together.
  @Flag(help: "A custom GradientTape loop instead of fit.") var customLoop = false
  @Option(help: "Process 0 saves the trained model (.keras) here.") var save: String?
  @Option(help: "Load the model (and optimizer state) from this .keras file first.")
  var resume: String?

  func run() throws {
    let parallel = try DataParallel()
    Config.setDistribution(parallel)
    do {
      try check(parallel)
    } catch {
      // Said here too: mpirun may end the other ranks before they print the notice. A rank
      // stopped by another's failure leaves the report to that one.
      if parallel.processCount > 1, !parallel.failedElsewhere {
        let text = "rank \(parallel.rank) of \(parallel.processCount) failed: \(error)\n"
        FileHandle.standardError.write(Data(text.utf8))
      }
      throw error
    }
  }

  /// The check on this process (rank `parallel.rank`).
  private func check(_ parallel: DataParallel) throws {
    try Config.setThreads(1)
    try Config.setBackend(backend)
    // With --custom-loop each rank starts from weights of its own.
    setRandomSeed(customLoop ? seed &+ UInt64(parallel.rank) : seed)
    let model: Model
    if let resume {
      model = try loadModel(resume)
    } else {
      model = Self.build(
        hidden: parallel.rank == mismatchRank ? 24 : 16, dropout: dropout,
        batchNormalization: syncBatchNorm ? .synchronized : localBatchNorm ? .local : nil,
        lazy: lazy)
      try model.compile(
        optimizer: Adam(learningRate: 0.01),
        loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])
    }
    model.runEagerly = eager
    let (x, y) = try Self.data(samples: samples + (parallel.rank == unevenRank ? 20 : 0))
    let rank = parallel.rank
    let fault = LambdaCallback(onTrainBatchBegin: { batch, _ in
      guard batch == 1 else { return }
      if rank == dieRank {
        FileHandle.standardError.write(Data("rank \(rank): dying now\n".utf8))
        kill(getpid(), SIGKILL)
      }
      if rank == failRank {
        throw PlantedFailure(rank: rank)
      }
      if rank == exitRank {
        FileHandle.standardError.write(Data("rank \(rank): exiting now\n".utf8))
        Foundation.exit(0)
      }
    })
    let history =
      customLoop
      ? try trainCustomLoop(model, x, y, parallel)
      : try model.fit(
        x, y, batchSize: batchSize, epochs: epochs, verbose: 0,
        callbacks: [failRank, dieRank, exitRank].contains { $0 != nil }
          ? [FaultAtEpoch(faultEpoch, fault)] : [])
    var bytes = Data()
    for variable in model.weights {
      for value in try variable.value.floats() {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
      }
    }
    try bytes.write(to: URL(fileURLWithPath: "\(out)/rank-\(rank).weights"))
    let statistics = model.compilationStatistics["train"]
    let summary: [String: Any] = [
      "loss": history.history["loss"] ?? [],
      "accuracy": history.history["accuracy"] ?? [],
      "iterations": (model.optimizer?.iterations ?? 0),
      "captures": statistics?.captures ?? 0,
      "replays": statistics?.replays ?? 0,
      "processes": parallel.processCount,
    ]
    try JSONSerialization.data(withJSONObject: summary).write(
      to: URL(fileURLWithPath: "\(out)/rank-\(rank).json"))
    if let save, parallel.isChief { try model.save(save) }
  }

  /// A hand-written loop over `epochs` passes of this rank's rows (no shuffle): the weights
  /// broadcast once, then a GradientTape step per batch whose update all-reduces.
  private func trainCustomLoop(
    _ model: Model, _ x: Tensor, _ y: Tensor, _ parallel: DataParallel
  ) throws -> History {
    _ = try model(Ops.slice(x, starts: [0, 0], sizes: [1, 6]))
    try parallel.broadcastVariables(of: model)
    guard let optimizer = model.optimizer else { throw ValidationError("not compiled") }
    let loss = SparseCategoricalCrossentropy(fromLogits: true)
    let rows = x.shape[0]
    let (start, end) = (
      rows * parallel.rank / parallel.processCount,
      rows * (parallel.rank + 1) / parallel.processCount
    )
    for _ in 0..<epochs {
      var first = start
      while first < end {
        let count = Swift.min(batchSize, end - first)
        let xs = try Ops.slice(x, starts: [first, 0], sizes: [count, 6])
        let ys = try Ops.slice(y, starts: [first], sizes: [count])
        let tape = GradientTape()
        let value = try tape.record { try loss(ys, model(xs, training: true)) }
        try optimizer.apply(
          try tape.gradient(of: value, wrt: model.trainableWeights), to: model.trainableWeights)
        first += count
      }
    }
    return History()
  }

  enum BatchStatistics { case local, synchronized }

  /// The check's model: 6 features → Dense(hidden, relu) → [BatchNormalization] → Dropout →
  /// Dense(3).
  static func build(
    hidden: Int, dropout: Double, batchNormalization: BatchStatistics?, lazy: Bool = false
  ) -> Sequential {
    Sequential(name: "parallel_check") {
      if !lazy { Input(shape: [6]) }
      Dense(hidden, activation: .relu)
      if let batchNormalization {
        BatchNormalization(synchronized: batchNormalization == .synchronized)
      }
      Dropout(dropout)
      Dense(3)
    }
  }

  /// Deterministic features and labels (no random stream): `x[i][j] = sin(0.37 i + 1.3 j)`,
  /// the label the index of the largest of three sums of features.
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
}

/// The error a rank throws on purpose.
private struct PlantedFailure: Error, CustomStringConvertible {
  let rank: Int
  var description: String { "planted failure on rank \(rank)" }
}

/// Runs `callback`'s batch hook only in epoch `epoch`.
private final class FaultAtEpoch: Callback {
  weak var model: Model?
  private let epoch: Int
  private let callback: LambdaCallback
  private var current = 0

  init(_ epoch: Int, _ callback: LambdaCallback) {
    self.epoch = epoch
    self.callback = callback
  }

  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws { current = epoch }

  func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    if current == epoch { try callback.onTrainBatchBegin(batch, logs: logs) }
  }
}

import BackendProtocol
import Foundation

/// Data-parallel training over MPI: the same model on every process `mpirun` started, each
/// training on its own slice of every global batch, with the gradients summed across the
/// processes before every update, so that every process ends each step with the same weights.
///
/// ```swift
/// // mpirun -np 4 ./train  (or: plexus train --data-parallel 4)
/// let parallel = try DataParallel()
/// Config.setDistribution(parallel)
/// try model.fit(x, y, batchSize: 128, epochs: 3)  // 128 samples a step over all processes
/// if parallel.isChief { try model.save("model.keras") }
/// ```
///
/// Under a distribution with more than one process, `fit`:
/// - checks that every process holds the same model and optimizer and will run as many epochs
///   and steps (an all-gather of every variable's path, shape and dtype and of the plan; a
///   mismatch is an error naming the variable, on every process), then broadcasts process 0's
///   weights, optimizer state and step, random stream and resumed epoch (``BackupAndRestore``);
///   a model that builds at its first step gets process 0's values after that step;
/// - gives each process a disjoint slice of every global batch of the one shuffle they all draw
///   (a batch smaller than the process count goes whole to each, weighted `1/N`);
/// - all-reduces the gradients inside ``Optimizer/apply(_:to:)``, in fixed buckets in a fixed
///   order, each process's scaled by its share of the batch (1 when every loss sums rather
///   than averages) and added in rank order, so that every process computes the same bits; a
///   compiled step captures the all-reduce and replays it in place;
/// - draws dropout masks from a stream that folds in the rank (seeded as each epoch starts);
/// - at the end of each epoch gives every process the mean of the non-trainable weights the
///   processes disagree on (`BatchNormalization`'s moving statistics from local batches);
/// - reports the loss and metrics of the whole batch at the end of each epoch and evaluation
///   (their states are added across processes; per-batch logs are each process's own), and
///   agrees after every step and epoch whether to stop, so no process waits for one that left;
/// - prints progress, and runs ``ModelCheckpoint``, ``TensorBoard``, ``CSVLogger`` and
///   ``BackupAndRestore``, on process 0 only (``Callback/runsOnChiefOnly``).
///
/// A process whose `fit` throws tells the others, whose collectives then throw an error naming
/// it, within a poll; one that exits tells them how many collectives it joined, so a process
/// waiting in a later one throws instead of waiting; a process that dies is reported by
/// `mpirun`, which stops the rest. Custom training loops get the all-reduce from
/// ``Optimizer/apply(_:to:)`` and the initial broadcast from ``broadcastVariables(of:optimizer:)``.
/// `BatchNormalization` uses each process's own batch statistics unless its `synchronized`
/// option asks for the whole batch's. Equivalent to `keras.distribution.DataParallel` (with
/// processes in place of devices) and to Horovod's `DistributedOptimizer` with
/// `broadcast_variables`.
public final class DataParallel: Sendable, CustomStringConvertible {
  /// This process's rank, 0 to ``processCount`` - 1.
  public let rank: Int
  /// How many processes train together.
  public let processCount: Int
  /// The most gradient bytes added across processes in one collective call.
  public let bucketBytes: Int
  let world: MPIWorld?
  private let timing = Locked<(calls: Int, nanoseconds: UInt64)>((0, 0))

  /// The default bucket: 16 MiB of gradients per all-reduce.
  public static let defaultBucketBytes = 16 << 20

  /// Joins the processes `mpirun` started (it initialises MPI, at `MPI_THREAD_SERIALIZED`);
  /// outside an MPI launcher (none of its variables in the environment) this is one process
  /// and MPI is not loaded. Every process must make one. Throws when MPI cannot be loaded or
  /// started.
  ///
  /// When the thread setting was never made (``Config/setThreads(_:)``), it becomes the cores
  /// divided among the processes on this machine (at least 1), so ranks never oversubscribe
  /// the cores.
  public convenience init(bucketBytes: Int = DataParallel.defaultBucketBytes) throws {
    let environment = ProcessInfo.processInfo.environment
    let launched = [
      "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_STEP_NUM_TASKS",
    ].contains { environment[$0] != nil }
    guard launched else {
      try self.init(world: nil, bucketBytes: bucketBytes)
      return
    }
    try self.init(world: try MPIWorld.shared(), bucketBytes: bucketBytes)
    if processCount > 1, Config.threads == 0 {
      let local =
        environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? processCount
      let cores = ProcessInfo.processInfo.activeProcessorCount
      try Config.setThreads(Swift.max(1, Swift.min(1024, cores / Swift.max(local, 1))))
    }
  }

  init(world: MPIWorld?, bucketBytes: Int) throws {
    guard bucketBytes >= 1024, bucketBytes <= 1 << 29 else {
      throw PlexusError.invalidArgument(
        context: "DataParallel",
        message: "bucketBytes must be 1024 to 2^29, received \(bucketBytes)")
    }
    self.world = world
    self.rank = world?.rank ?? 0
    self.processCount = world?.size ?? 1
    self.bucketBytes = bucketBytes
  }

  /// Whether this is process 0, the one that prints, logs and saves.
  public var isChief: Bool { rank == 0 }

  public var description: String { "DataParallel(rank \(rank) of \(processCount))" }

  // MARK: The distribution in effect

  private static let global = Locked<DataParallel?>(nil)
  @TaskLocal static var scoped: DataParallel?

  /// The distribution `fit` and ``Optimizer/apply(_:to:)`` use: the innermost
  /// ``withDistribution(_:_:)``, else ``Config/setDistribution(_:)``'s.
  static var current: DataParallel? { scoped ?? global.withLock { $0 } }

  static func setGlobal(_ distribution: DataParallel?) { global.withLock { $0 = distribution } }

  /// The current distribution when it spans more than one process.
  static var active: DataParallel? {
    guard let current, current.processCount > 1 else { return nil }
    return current
  }

  // MARK: Per-step state

  /// This process's share of the batch being trained (its samples over the batch's), set by
  /// `fit` around each step; nil outside `fit`, where each process weighs `1/N`.
  @TaskLocal static var shardWeight: Double?

  /// The weight this process's gradients get in the sum.
  var currentWeight: Double { Self.shardWeight ?? 1 / Double(processCount) }

  // MARK: Collectives

  /// How many gradient all-reduces this process has run and the seconds they took (waiting for
  /// the other processes included): what data parallelism costs per step.
  public var allReduceStatistics: (calls: Int, seconds: Double) {
    timing.withLock { ($0.calls, Double($0.nanoseconds) / 1e9) }
  }

  /// Counts one all-reduce of `nanoseconds`.
  func countAllReduce(nanoseconds: UInt64) {
    timing.withLock {
      $0.calls += 1
      $0.nanoseconds &+= nanoseconds
    }
  }

  /// Sums `gradients` over the processes (each scaled by its process's share of the batch,
  /// added in rank order), as one collective a compiled step records. One process: unchanged.
  func allReduce(_ gradients: [Tensor]) throws -> [Tensor] {
    guard let world, processCount > 1, !gradients.isEmpty else { return gradients }
    let collective = GradientAllReduce(world: world, bucketBytes: bucketBytes, weight: self)
    let outputs = try Dispatcher.runCollective(
      collective, gradients.map(\.buffer), outputs: gradients.map { ($0.dtype, $0.shape) })
    return outputs.map { Tensor($0) }
  }

  /// The elementwise sum of each tensor over the processes (unscaled, added in rank order),
  /// differentiable: the gradient of each is the sum of the processes' upstream gradients.
  /// What `BatchNormalization(synchronized: true)` adds its statistics with.
  public func allReduceSum(_ tensors: [Tensor]) throws -> [Tensor] {
    guard let world, processCount > 1, !tensors.isEmpty else { return tensors }
    let collective = GradientAllReduce(
      world: world, bucketBytes: bucketBytes, weight: self, scale: 1, name: "all_reduce_sum")
    let outputs = try Dispatcher.runCollective(
      collective, tensors.map(\.buffer), outputs: tensors.map { ($0.dtype, $0.shape) })
    return zip(tensors, outputs).map { input, output in
      GradientTape.record(
        .custom(name: "all_reduce_sum") { [self] upstream in
          [try self.allReduceSum([upstream])[0]]
        }, inputs: [input], output: output)
    }
  }

  /// Whether any process says `flag`.
  func anyProcess(_ flag: Bool) throws -> Bool {
    guard let world, processCount > 1 else { return flag }
    return try world.maximum([flag ? 1 : 0])[0] != 0
  }

  /// Every process's `bytes`, in rank order.
  func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] {
    guard let world, processCount > 1 else { return [bytes] }
    return try world.allGather(bytes)
  }

  /// Process 0's `bytes` on every process.
  func broadcast(_ bytes: inout [UInt8]) throws {
    guard let world, processCount > 1 else { return }
    try world.broadcast(&bytes)
  }

  /// Whether this process stopped because another one failed (its collectives threw the other
  /// process's notice): a command-line tool then leaves the report to the process that failed.
  public var failedElsewhere: Bool { world?.failedElsewhere ?? false }

  /// Tells the other processes that this one failed with `error`: their collectives throw an
  /// error naming this rank instead of waiting for it. `fit` calls it on its way out; call it
  /// from a custom training loop that catches an error the other processes will not see.
  public func announceFailure(_ error: any Error) {
    world?.announceFailure("\(error)")
  }

  // MARK: Random streams

  /// The seed of this process's stream for draws inside steps (dropout), folded from the
  /// shared stream's position and the rank (SplitMix64 finalizer), so processes draw apart.
  static func foldedSeed(key: UInt64, nextBlock: UInt64, rank: Int) -> UInt64 {
    var z = key ^ (nextBlock &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(rank + 1) &* 0xD1B5_4A32_D192_ED03)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Config {
  /// Sets the distribution every `fit` and optimizer uses (nil: none), as
  /// `keras.distribution.set_distribution`.
  public static func setDistribution(_ distribution: DataParallel?) {
    DataParallel.setGlobal(distribution)
  }

  /// The distribution in effect on this task, or nil.
  public static var distribution: DataParallel? { DataParallel.current }
}

/// Runs `body` with `distribution` in effect on this task (as Keras's `distribution.scope()`).
public func withDistribution<R>(_ distribution: DataParallel?, _ body: () throws -> R) rethrows
  -> R
{
  try DataParallel.$scoped.withValue(distribution) { try body() }
}

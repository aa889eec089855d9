import Foundation
import Testing

/// Data-parallel training under `mpirun -np 2` and `-np 4` (`plexus distributed-check`): every
/// rank ends with the same bits, equal to a one-process simulation of the shards; faults end
/// the job with an error naming the rank, never a hang. Skipped where Open MPI is not
/// installed (`apt-get install openmpi-bin libopenmpi-dev`; `scripts/install-deps.sh` does it).
@Suite(
  .serialized,
  .enabled(
    if: MPIJob.available,
    Comment(
      rawValue: "Open MPI's mpirun, or the plexus executable, is missing: apt-get install "
        + "openmpi-bin libopenmpi-dev, and build with swift build --build-tests")))
struct DataParallelMPITests {
  private func finished(_ job: MPIJob, ranks: Int) throws -> [[Float]] {
    #expect(job.status == 0, "\(job.output)")
    return try (0..<ranks).map { try job.weights(rank: $0) }
  }

  @Test(arguments: [2, 4])
  func everyRankEndsWithTheSimulationsBits(ranks: Int) throws {
    // 50 samples in batches of 16: the last batch (2 samples) is split on 2 ranks and
    // replicated on 4; compiled steps (the default) and eager ones agree.
    for mode in [[], ["--eager"]] {
      let job = try MPIJob.run(ranks: ranks, mode)
      defer { job.remove() }
      let weights = try finished(job, ranks: ranks)
      for rank in 1..<ranks { #expect(weights[rank] == weights[0], "rank \(rank) \(mode)") }
      let simulated = try DataParallelSimulation.train(processes: ranks)
      #expect(weights[0] == simulated, "\(mode)")
      let summary = try job.summary(rank: 0)
      #expect(summary["processes"] as? Int == ranks)
      #expect(summary["iterations"] as? Int == 8)
      if mode.isEmpty {
        // A full batch and the partial last one: two captures, however many epochs.
        #expect(summary["captures"] as? Int == 2)
      }
    }
  }

  @Test func theLossCurveMatchesOneProcessOnTheGlobalBatch() throws {
    let arguments = ["--dropout", "0", "--epochs", "3", "--samples", "64"]
    let one = try MPIJob.run(ranks: 1, arguments)
    defer { one.remove() }
    let two = try MPIJob.run(ranks: 2, arguments)
    defer { two.remove() }
    let single = try finished(one, ranks: 1)[0]
    let parallel = try finished(two, ranks: 2)
    let losses = try #require(try one.summary(rank: 0)["loss"] as? [Double])
    let parallelLosses = try #require(try two.summary(rank: 0)["loss"] as? [Double])
    #expect(losses.count == 3 && parallelLosses.count == 3)
    for (a, b) in zip(losses, parallelLosses) { #expect(abs(a - b) <= 1e-4 * abs(a)) }
    let accuracy = try one.summary(rank: 0)["accuracy"] as? [Double]
    #expect(accuracy == (try two.summary(rank: 0)["accuracy"] as? [Double]))
    for (a, b) in zip(single, parallel[0]) { #expect(abs(a - b) <= 1e-4 + 1e-4 * abs(a)) }
    // Different from the start: training moved the weights.
    #expect(single != (try DataParallelSimulation.train(processes: 1, epochs: 0)))
  }

  @Test func synchronizedBatchNormalizationUsesTheWholeBatch() throws {
    let arguments = ["--dropout", "0", "--sync-batch-norm", "--samples", "64"]
    let one = try MPIJob.run(ranks: 1, arguments)
    defer { one.remove() }
    let two = try MPIJob.run(ranks: 2, arguments)
    defer { two.remove() }
    let single = try finished(one, ranks: 1)[0]
    let parallel = try finished(two, ranks: 2)
    #expect(parallel[1] == parallel[0])
    // The moving statistics and every weight follow the global batch's statistics.
    for (a, b) in zip(single, parallel[0]) { #expect(abs(a - b) <= 1e-4 + 1e-4 * abs(a)) }
    // Each rank's own statistics (the default) train otherwise: the check can tell.
    let local = try MPIJob.run(
      ranks: 2, ["--dropout", "0", "--local-batch-norm", "--samples", "64"])
    defer { local.remove() }
    let localWeights = try finished(local, ranks: 2)
    #expect(localWeights[1] == localWeights[0])
    let oneLocal = try MPIJob.run(
      ranks: 1, ["--dropout", "0", "--local-batch-norm", "--samples", "64"])
    defer { oneLocal.remove() }
    #expect(try finished(oneLocal, ranks: 1)[0] == single)
    #expect(zip(single, localWeights[0]).contains { abs($0 - $1) > 1e-3 })
  }

  @Test func aCheckpointResumesOnAnyNumberOfRanks() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "plexus-mpi-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let checkpoint = directory.appendingPathComponent("after-one-epoch.keras").path
    let first = try MPIJob.run(ranks: 2, ["--epochs", "1", "--save", checkpoint])
    defer { first.remove() }
    _ = try finished(first, ranks: 2)
    for ranks in [4, 1] {
      let resumed = try MPIJob.run(ranks: ranks, ["--epochs", "1", "--resume", checkpoint])
      defer { resumed.remove() }
      let weights = try finished(resumed, ranks: ranks)
      for rank in 1..<ranks { #expect(weights[rank] == weights[0]) }
      #expect(try resumed.summary(rank: 0)["iterations"] as? Int == 8)
      // One process trains as without a distribution: as `fit` in this process does.
      let expected =
        ranks == 1
        ? try DataParallelSimulation.fit(from: checkpoint, epochs: 1)
        : try DataParallelSimulation.train(processes: ranks, epochs: 1, checkpoint: checkpoint)
      #expect(weights[0] == expected, "resumed on \(ranks)")
    }
  }

  @Test func aDifferentModelOnOneRankIsAnErrorNamingTheVariable() throws {
    let job = try MPIJob.run(ranks: 2, ["--mismatch-rank", "1"], deadline: 60)
    defer { job.remove() }
    #expect(job.status != 0)
    #expect(job.output.contains("every process must build the same model"), "\(job.output)")
    #expect(job.output.contains("'dense.kernel' float32(6, 24) on process 1"), "\(job.output)")
    #expect(job.seconds < 30)
  }

  @Test func aModelBuiltAtItsFirstStepStartsFromProcessZerosWeights() throws {
    // No Input layer: each rank builds the layers inside its first step, from its own stream;
    // process 0's values then go to every rank, which end equal.
    for ranks in [2, 4] {
      let job = try MPIJob.run(ranks: ranks, ["--lazy"])
      defer { job.remove() }
      let weights = try finished(job, ranks: ranks)
      for rank in 1..<ranks { #expect(weights[rank] == weights[0], "rank \(rank) of \(ranks)") }
    }
  }

  @Test func aCustomLoopStaysTogetherAfterBroadcastVariables() throws {
    // Each rank builds from a seed of its own; broadcastVariables(of:) gives them rank 0's
    // weights, and every Optimizer.apply all-reduces: they end equal, and trained.
    // (Equal shard sizes: 48 rows over 2 ranks, batches of 8.)
    let job = try MPIJob.run(
      ranks: 2, ["--custom-loop", "--dropout", "0", "--samples", "48", "--batch-size", "8"])
    defer { job.remove() }
    let weights = try finished(job, ranks: 2)
    #expect(weights[1] == weights[0])
    let summary = try job.summary(rank: 0)
    #expect(summary["iterations"] as? Int == 6)
  }

  @Test func ranksGivenDifferentDataStopBeforeTraining() throws {
    let job = try MPIJob.run(ranks: 2, ["--uneven-rank", "1"], deadline: 60)
    defer { job.remove() }
    #expect(job.status != 0)
    #expect(job.output.contains("train on as many batches"), "\(job.output)")
    #expect(job.output.contains("'fit: epochs 0..<2, 5 steps each' on process 1"), "\(job.output)")
    #expect(job.seconds < 30)
  }

  @Test func aRankThatExitsEarlyStopsTheOthersNamingIt() throws {
    let job = try MPIJob.run(
      ranks: 2, ["--exit-rank", "1", "--fault-epoch", "1", "--epochs", "1000"], deadline: 60)
    defer { job.remove() }
    #expect(job.status != 0)
    #expect(job.output.contains("rank 1: exiting now"), "\(job.output)")
    #expect(job.output.contains("rank 1 of 2 exited after"), "\(job.output)")
    #expect(job.seconds < 10, "\(job.seconds) s")
  }

  @Test func aRankThatThrowsStopsTheOthersNamingIt() throws {
    let job = try MPIJob.run(
      ranks: 4, ["--fail-rank", "2", "--fault-epoch", "1", "--epochs", "1000"], deadline: 60)
    defer { job.remove() }
    #expect(job.status != 0)
    #expect(job.output.contains("rank 2 of 4 failed: planted failure on rank 2"), "\(job.output)")
    // The ranks it stopped pass its report on; they never report a failure of their own.
    for survivor in [0, 1, 3] {
      #expect(!job.output.contains("rank \(survivor) of 4 failed"), "\(job.output)")
    }
    #expect(job.seconds < 10, "\(job.seconds) s")
  }

  @Test func aRankThatDiesEndsTheJobNamingIt() throws {
    let job = try MPIJob.run(
      ranks: 2, ["--die-rank", "1", "--fault-epoch", "1", "--epochs", "100000"], deadline: 60)
    defer { job.remove() }
    #expect(job.status != 0)
    #expect(job.output.contains("rank 1: dying now"), "\(job.output)")
    #expect(job.output.contains("process rank 1"), "\(job.output)")
    #expect(job.output.contains("signal 9"), "\(job.output)")
    #expect(job.seconds < 10, "\(job.seconds) s")
  }
}

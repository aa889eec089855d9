import Foundation
import Testing

@testable import Plexus

/// `DataParallel` in one process (no `mpirun`): MPI is not loaded, and training under it is
/// training without it.
@Suite struct DataParallelTests {
  @Test func outsideMPIRunItIsOneProcess() throws {
    let parallel = try DataParallel()
    #expect(parallel.rank == 0)
    #expect(parallel.processCount == 1)
    #expect(parallel.isChief)
    #expect(parallel.world == nil)
    #expect("\(parallel)" == "DataParallel(rank 0 of 1)")
    let x = try Tensor([Float(1), 2, 3], shape: [3])
    #expect(try parallel.allReduceSum([x])[0].floats() == [1, 2, 3])
  }

  @Test(arguments: [0, 1023, 1 << 29 + 1, Int.min, Int.max])
  func aBucketOutsideItsRangeIsRefused(bytes: Int) {
    #expect {
      _ = try DataParallel(bucketBytes: bytes)
    } throws: { error in
      "\(error)".contains("bucketBytes must be 1024 to 2^29, received \(bytes)")
    }
  }

  @Test func oneProcessTrainsBitForBitAsWithoutADistribution() throws {
    func train(_ distribution: DataParallel?) throws -> [Float] {
      try withBackend("reference") {
        try withRandomSeed(11) {
          try withDistribution(distribution) {
            let model = DataParallelSimulation.build(hidden: 8, dropout: 0.2)
            try model.compile(
              optimizer: Adam(learningRate: 0.01),
              loss: SparseCategoricalCrossentropy(fromLogits: true))
            let (x, y) = try DataParallelSimulation.data(samples: 40)
            try model.fit(x, y, batchSize: 16, epochs: 2, verbose: 0)
            return try model.weights.flatMap { try $0.value.floats() }
          }
        }
      }
    }
    #expect(try train(DataParallel()) == train(nil))
  }

  @Test func theFoldedSeedDiffersPerRankAndPosition() {
    let seeds = Set(
      (0..<4).flatMap { rank in
        [0, 1].map { DataParallel.foldedSeed(key: 7, nextBlock: UInt64($0), rank: rank) }
      })
    #expect(seeds.count == 8)
  }
}

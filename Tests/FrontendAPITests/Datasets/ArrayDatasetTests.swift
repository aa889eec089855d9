import Plexus
import Testing

/// ``ArrayDataset``: slices in order, a new seeded order every epoch when shuffling.
@Suite struct ArrayDatasetTests {
  static func dataset(shuffle: Bool) throws -> ArrayDataset {
    let x = try Tensor((0..<10).map { Float($0) }, shape: [10, 1])
    let y = try Tensor((0..<10).map { Int32($0) }, shape: [10])
    return try ArrayDataset(
      x, y, sampleWeight: try Tensor((0..<10).map { Float($0) / 10 }, shape: [10]), batchSize: 4,
      shuffle: shuffle)
  }

  /// The sample ids of one epoch's batches, after `onEpochBegin`.
  static func epoch(_ dataset: ArrayDataset) throws -> [[Int32]] {
    try dataset.onEpochBegin()
    return try (0..<dataset.count).map { index in
      let batch = try dataset.batch(at: index)
      let ids = try batch.targets[0].scalars(Int32.self)
      #expect(try batch.inputs[0].floats() == ids.map { Float($0) })
      #expect(try batch.sampleWeight?.floats() == ids.map { Float($0) / 10 })
      return ids
    }
  }

  @Test func slicesInOrderWithoutShuffling() throws {
    let dataset = try Self.dataset(shuffle: false)
    #expect(dataset.count == 3)
    #expect(dataset.sampleCount == 10)
    #expect(try Self.epoch(dataset) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    #expect(try Self.epoch(dataset) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
  }

  @Test func reshufflesEveryEpochFromTheSeed() throws {
    let (first, second) = try withRandomSeed(3) {
      let dataset = try Self.dataset(shuffle: true)
      return (try Self.epoch(dataset), try Self.epoch(dataset))
    }
    #expect(first.map(\.count) == [4, 4, 2])
    #expect(first.joined().sorted() == Array(0..<10))
    #expect(second.joined().sorted() == Array(0..<10))
    #expect(first != second)
    let again = try withRandomSeed(3) { try Self.epoch(Self.dataset(shuffle: true)) }
    #expect(again == first)
  }

  @Test func badArgumentsAreErrors() throws {
    let x = try Tensor([Float](repeating: 0, count: 6), shape: [3, 2])
    #expect(throws: PlexusError.self) { try ArrayDataset(x, batchSize: 0) }
    #expect(throws: PlexusError.self) {
      try ArrayDataset(x, try Tensor([Int32(0), 1], shape: [2]))
    }
    #expect(throws: PlexusError.self) { try ArrayDataset(x).batch(at: 2) }
  }
}

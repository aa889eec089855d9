import BackendProtocol
import Testing

@testable import Plexus

/// The producer thread behind a dataset `fit`: bounded, in order, stopped by `close()`.
@Suite struct BatchPrefetcherTests {
  static func dataset() throws -> RecordingDataset {
    let x = try Tensor((0..<40).map { Float($0) }, shape: [40, 1])
    return RecordingDataset(try ArrayDataset(x, x, batchSize: 2, shuffle: false), prefetch: 1)
  }

  @Test func yieldsTheBatchesInOrderThenRefusesMore() throws {
    let dataset = try Self.dataset()
    let producer = BatchPrefetcher(dataset, count: 3, depth: 1)
    defer { producer.close() }
    for index in 0..<3 {
      dataset.log.current.begun = index
      #expect(try producer.next().inputs[0].floats() == [Float(2 * index), Float(2 * index + 1)])
    }
    #expect(throws: PlexusError.self) { try producer.next() }
    #expect(dataset.log.current.largestLead <= 1)
  }

  @Test func closeStopsTheProducerBeforeItReturns() throws {
    let dataset = try Self.dataset()
    let producer = BatchPrefetcher(dataset, count: 20, depth: 2)
    dataset.log.current.begun = 0
    _ = try producer.next()
    producer.close()
    #expect(producer.isFinished)
    let log = dataset.log.current
    #expect(log.inFlight == 0)
    // The one taken, two queued, and at most one being made when it was cancelled.
    #expect(log.calls <= 4)
    #expect(throws: PlexusError.self) { try producer.next() }
  }
}

import Plexus
import Testing

@Suite struct TerminateOnNaNTests {
  @Test func stopsAfterTheFirstNaNBatch() throws {
    let model = try CallbackFixtures.model()
    let (x, _) = try CallbackFixtures.data()
    let y = try Tensor((0..<16).map { $0 == 9 ? Float.nan : 1 }, shape: [16, 1])
    var batches: [Int] = []
    let counter = LambdaCallback(onTrainBatchEnd: { batch, _ in batches.append(batch) })
    let history = try model.fit(
      x, y, batchSize: 4, epochs: 3, verbose: 0, callbacks: [TerminateOnNaN(), counter],
      shuffle: false)
    // Sample 9 is in batch 2: the epoch ends there and no other starts.
    #expect(batches == [0, 1, 2])
    #expect(history.epoch == [0])
    #expect(history.history["loss"]?.first?.isNaN == true)

    let raising = try CallbackFixtures.model()
    #expect(throws: PlexusError.self) {
      try raising.fit(
        x, y, batchSize: 4, epochs: 1, verbose: 0, callbacks: [TerminateOnNaN(raiseError: true)],
        shuffle: false)
    }
  }
}

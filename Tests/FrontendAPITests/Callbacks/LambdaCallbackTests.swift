import Plexus
import Testing

@Suite struct LambdaCallbackTests {
  @Test func eachClosureRunsAtItsHook() throws {
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data(8)
    var events: [String] = []
    let callback = LambdaCallback(
      onEpochBegin: { epoch, _ in events.append("epoch_begin \(epoch)") },
      onEpochEnd: { epoch, logs in events.append("epoch_end \(epoch) \(logs["loss"] != nil)") },
      onTrainBegin: { _ in events.append("train_begin") },
      onTrainEnd: { logs in events.append("train_end \(logs["loss"] != nil)") },
      onTrainBatchBegin: { batch, _ in events.append("batch_begin \(batch)") },
      onTrainBatchEnd: { batch, _ in events.append("batch_end \(batch)") })
    try model.fit(x, y, batchSize: 4, epochs: 1, verbose: 0, callbacks: [callback])
    #expect(
      events == [
        "train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1",
        "batch_end 1", "epoch_end 0 true", "train_end true",
      ])
    // No closures: every hook does nothing.
    try model.fit(x, y, epochs: 1, verbose: 0, callbacks: [LambdaCallback()])
  }
}

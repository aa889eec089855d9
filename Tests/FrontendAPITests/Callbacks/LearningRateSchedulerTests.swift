import Plexus
import Testing

@Suite struct LearningRateSchedulerTests {
  @Test func setsTheRateEachEpochAndLogsIt() throws {
    let optimizer = SGD(learningRate: 0.1)
    let model = try CallbackFixtures.model(optimizer: optimizer)
    let (x, y) = try CallbackFixtures.data()
    var seen: [Double] = []
    let scheduler = LearningRateScheduler { epoch, rate in
      seen.append(rate)
      return epoch < 1 ? rate : rate / 2
    }
    let history = try model.fit(x, y, batchSize: 8, epochs: 3, verbose: 0, callbacks: [scheduler])
    let f = { (value: Double) in Double(Float(value)) }
    #expect(seen == [f(0.1), f(0.1), f(0.05)])
    #expect(history.history["learning_rate"] == [f(0.1), f(0.05), f(0.025)])
    #expect(Float(optimizer.learningRate) == Float(0.025))

    let broken = LearningRateScheduler { _, _ in .nan }
    #expect(throws: PlexusError.self) {
      try model.fit(x, y, epochs: 1, verbose: 0, callbacks: [broken])
    }
  }
}

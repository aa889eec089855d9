import BackendProtocol
import Foundation
import Plexus
import Testing

/// `fit`, `evaluate` and `predict` over a ``Dataset``: the same bits as the array path, batches
/// made ahead on a producer thread (bounded), errors and early stops handled.
@Suite struct DatasetFitTests {
  static func makeModel() -> Sequential {
    Sequential {
      Input(shape: [6])
      Dense(16, activation: .relu)
      Dropout(0.25)
      Dense(3)
    }
  }

  static func data(_ count: Int = 48) throws -> (Tensor, Tensor) {
    let x = try withRandomSeed(123) { try Ops.randomUniform([count, 6], minval: -1, maxval: 1) }
    return (x, try Ops.argmax(Ops.slice(x, starts: [0, 0], sizes: [count, 3]), axis: -1))
  }

  static func compiled(_ model: Sequential) throws -> Sequential {
    try model.compile(
      optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true),
      metrics: ["accuracy"])
    return model
  }

  /// The weights after `body` trains a fresh model from seed 42.
  static func trained(_ body: (Sequential) throws -> History) throws -> ([Float], History) {
    try withRandomSeed(42) {
      let model = try compiled(makeModel())
      let history = try body(model)
      return (try model.getWeights().flatMap { try $0.scalars(Float.self) }, history)
    }
  }

  @Test(arguments: [false, true], [0, 2])
  func aDatasetTrainsBitForBitAsTheArrays(shuffle: Bool, prefetch: Int) throws {
    let (x, y) = try Self.data()
    let (xVal, yVal) = try Self.data(20)
    let (viaArrays, arrayHistory) = try Self.trained {
      try $0.fit(
        x, y, batchSize: 16, epochs: 3, verbose: 0, validationData: (xVal, yVal),
        shuffle: shuffle)
    }
    let (viaDataset, datasetHistory) = try Self.trained {
      let train = RecordingDataset(
        try ArrayDataset(x, y, batchSize: 16, shuffle: shuffle), prefetch: prefetch)
      return try $0.fit(
        train, epochs: 3, verbose: 0,
        validationData: try ArrayDataset(xVal, yVal, batchSize: 16, shuffle: false))
    }
    #expect(viaArrays.count == 6 * 16 + 16 + 16 * 3 + 3)
    #expect(viaDataset == viaArrays)
    #expect(datasetHistory.history == arrayHistory.history)
  }

  @Test func evaluateAndPredictAgreeWithTheArrayPath() throws {
    let (x, y) = try Self.data(40)
    let model = try Self.compiled(Self.makeModel())
    let dataset = try ArrayDataset(x, y, batchSize: 16, shuffle: false)
    #expect(
      try model.evaluate(dataset, verbose: 0) == model.evaluate(x, y, batchSize: 16, verbose: 0))
    let predicted = try #require(try model.predict(dataset).first)
    #expect(try predicted.floats() == model.predict(x, batchSize: 16).floats())
  }

  @Test func batchesAreMadeOnAnotherThreadAndAtMostPrefetchAhead() throws {
    let (x, y) = try Self.data()
    let model = try Self.compiled(Self.makeModel())
    let dataset = RecordingDataset(try ArrayDataset(x, y, batchSize: 4), prefetch: 2)
    let consumer = ConsumerRecorder(dataset)
    try model.fit(dataset, epochs: 2, verbose: 0, callbacks: [consumer])
    let log = dataset.log.current
    #expect(log.calls == 2 * 12)
    #expect(!log.producerThreads.isEmpty)
    #expect(log.producerThreads.isDisjoint(with: consumer.threads.current))
    // Batch i is only made once the step consuming batch i - prefetch has begun.
    #expect(log.largestLead <= 2)
    #expect(log.inFlight == 0)
  }

  @Test func anErrorFromTheProducerSurfacesWithItsContext() throws {
    let (x, y) = try Self.data()
    let model = try Self.compiled(Self.makeModel())
    let dataset = RecordingDataset(try ArrayDataset(x, y, batchSize: 4), prefetch: 2, failAt: 5)
    var message = "no error"
    do {
      try model.fit(dataset, epochs: 2, verbose: 0)
    } catch {
      message = "\(error)"
    }
    #expect(message.contains("Model '\(model.name)'.fit"))
    #expect(message.contains("RecordingDataset"))
    #expect(message.contains("batch 5 of 12 in epoch 1"))
    #expect(message.contains("shard 5 is unreadable"))
    #expect(dataset.log.current.inFlight == 0)
    #expect(dataset.log.current.epochsEnded == 0)
  }

  @Test func stoppingEarlyLeavesNoProducerRunning() throws {
    let (x, y) = try Self.data()
    let model = try Self.compiled(Self.makeModel())
    let dataset = RecordingDataset(try ArrayDataset(x, y, batchSize: 4), prefetch: 2)
    let history = try model.fit(
      dataset, epochs: 5, verbose: 0, callbacks: [StopAfter(step: 1)])
    let log = dataset.log.current
    #expect(history.history["loss"]?.count == 1)
    #expect(log.inFlight == 0)
    // Steps 0 and 1 ran; the producer may have made two more before it was cancelled.
    #expect(log.calls >= 2 && log.calls <= 4)
    #expect(log.epochsEnded == 1)
  }

  @Test func anEmptyDatasetIsAnError() throws {
    let model = try Self.compiled(Self.makeModel())
    #expect(throws: PlexusError.self) { try model.fit(EmptyDataset(), verbose: 0) }
    #expect(throws: PlexusError.self) { try model.evaluate(EmptyDataset(), verbose: 0) }
  }
}

/// Wraps a dataset and records who made which batch, and when relative to the steps.
final class RecordingDataset: Dataset {
  struct Log: Sendable {
    var calls = 0
    var inFlight = 0
    var producerThreads: Set<UInt> = []
    /// The step the consumer has begun most recently (-1 before the first).
    var begun = -1
    /// The largest `index - begun` seen when batch `index` was started.
    var largestLead = Int.min
    var epochsEnded = 0
  }

  let inner: ArrayDataset
  let prefetch: Int
  let failAt: Int?
  let log = Locked(Log())

  init(_ inner: ArrayDataset, prefetch: Int, failAt: Int? = nil) {
    self.inner = inner
    self.prefetch = prefetch
    self.failAt = failAt
  }

  var count: Int { inner.count }

  func batch(at index: Int) throws -> (
    inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?
  ) {
    let thread = UInt(pthread_self())
    log.current.calls += 1
    log.current.inFlight += 1
    log.current.producerThreads.insert(thread)
    log.withLock { $0.largestLead = max($0.largestLead, index - $0.begun) }
    defer { log.current.inFlight -= 1 }
    if index == failAt { throw ShardError(index: index) }
    return try inner.batch(at: index)
  }

  func onEpochBegin() throws {
    log.current.begun = -1
    try inner.onEpochBegin()
  }

  func onEpochEnd() throws {
    log.current.epochsEnded += 1
  }
}

struct ShardError: Error, CustomStringConvertible {
  let index: Int
  var description: String { "shard \(index) is unreadable" }
}

/// Records the consumer's thread and the step it begins.
final class ConsumerRecorder: Callback {
  weak var model: Model?
  let dataset: RecordingDataset
  let threads = Locked(Set<UInt>())

  init(_ dataset: RecordingDataset) { self.dataset = dataset }

  func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    let thread = UInt(pthread_self())
    threads.current.insert(thread)
    dataset.log.current.begun = batch
  }
}

/// Stops training after step `step` of the first epoch.
final class StopAfter: Callback {
  weak var model: Model?
  let step: Int
  init(step: Int) { self.step = step }

  func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    if batch == step { model?.stopTraining = true }
  }
}

final class EmptyDataset: Dataset {
  var count: Int { 0 }
  func batch(at index: Int) throws -> (
    inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?
  ) {
    throw PlexusError.indexOutOfRange(context: "EmptyDataset", index: index, size: 0)
  }
}

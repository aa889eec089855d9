import Testing

@testable import Plexus

/// A small, learnable problem: the class is the index of the largest of the first 3 features.
private func problem(samples: Int) throws -> (Tensor, Tensor) {
  let x = try withRandomSeed(99) { try Ops.randomUniform([samples, 6], minval: -1, maxval: 1) }
  let labels = try Ops.argmax(Ops.slice(x, starts: [0, 0], sizes: [samples, 3]), axis: -1)
  return (x, labels)
}

private func makeModel() -> Sequential {
  Sequential {
    Input(shape: [6])
    Dense(16, activation: .relu)
    Dropout(0.1)
    Dense(3)
  }
}

@Suite(.serialized) struct TrainingTests {
  @Test func fitLearnsAndReportsKerasLogs() throws {
    let (x, y) = try problem(samples: 256)
    try withRandomSeed(1) {
      let model = makeModel()
      try model.compile(
        optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true),
        metrics: ["accuracy"])
      let history = try model.fit(x, y, batchSize: 32, epochs: 8, verbose: 0, validationSplit: 0.25)
      let losses = try #require(history.history["loss"])
      #expect(losses.count == 8)
      #expect(try #require(losses.last) < losses[0])
      #expect(history.history["val_accuracy"]?.count == 8)
      let results = try model.evaluate(x, y, verbose: 0)
      #expect(try #require(results["accuracy"]) > 0.8)
      #expect(try model.predict(x, batchSize: 100).shape == [256, 3])
    }
  }

  @Test func referenceAndOpenBLASTrainTheSameLossCurve() throws {
    let (x, y) = try problem(samples: 128)
    var curves: [[Double]] = []
    for backend in ["reference", "openblas"] {
      try withRandomSeed(5) {
        let model = makeModel()
        model.backend = backend
        try model.compile(
          optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true),
          metrics: ["accuracy"])
        let (history, statistics) = try Dispatcher.recordingStatistics {
          try model.fit(x, y, batchSize: 16, epochs: 3, verbose: 0)
        }
        #expect(statistics.dispatchCount(backend: backend, op: .matmul) > 0)
        curves.append(try #require(history.history["loss"]))
      }
    }
    for (a, b) in zip(curves[0], curves[1]) { #expect(Swift.abs(a - b) < 1e-4 * Swift.max(1, a)) }
  }

  @Test func sameSeedGivesBitIdenticalWeights() throws {
    let (x, y) = try problem(samples: 64)
    var runs: [[Float]] = []
    for _ in 0..<2 {
      try withRandomSeed(21) {
        let model = makeModel()
        try model.compile(
          optimizer: SGD(learningRate: 0.1, momentum: 0.9),
          loss: SparseCategoricalCrossentropy(fromLogits: true))
        try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0)
        runs.append(try model.getWeights().flatMap { try $0.scalars(Float.self) })
      }
    }
    #expect(runs[0] == runs[1])
  }

  @Test func floatLabelsIntoSparseCrossentropyNameTheLossAndDtype() throws {
    let model = makeModel()
    try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy")
    do {
      try model.fit(Tensor.zeros([4, 6]), Tensor.zeros([4]), epochs: 1, verbose: 0)
      Issue.record("float labels must be rejected")
    } catch let error as PlexusError {
      #expect(error.description.contains("SparseCategoricalCrossentropy"))
      #expect(error.description.contains("float32"))
    }
  }

  @Test func fitBeforeCompileIsAClearError() throws {
    #expect(throws: PlexusError.self) {
      try makeModel().fit(Tensor.zeros([2, 6]), Tensor.zeros([2]), verbose: 0)
    }
  }

  @Test func earlyStoppingRestoresTheBestWeights() throws {
    let (x, y) = try problem(samples: 64)
    try withRandomSeed(3) {
      let model = makeModel()
      // A learning rate this large makes validation loss rise after the first epochs.
      try model.compile(
        optimizer: SGD(learningRate: 5), loss: SparseCategoricalCrossentropy(fromLogits: true))
      let stopper = EarlyStopping(monitor: "val_loss", patience: 1, restoreBestWeights: true)
      let recorder = WeightRecorder()
      let history = try model.fit(
        x, y, batchSize: 16, epochs: 30, verbose: 0, callbacks: [recorder, stopper],
        validationSplit: 0.25)
      let losses = try #require(history.history["val_loss"])
      #expect(losses.count < 30)
      let best = try #require(losses.indices.min { losses[$0] < losses[$1] })
      #expect(stopper.bestEpoch == best)
      let restored = try model.getWeights().flatMap { try $0.scalars(Float.self) }
      #expect(restored == recorder.snapshots[best])
    }
  }

  @Test func trainOnBatchAndPredictOnBatch() throws {
    let (x, y) = try problem(samples: 32)
    let model = makeModel()
    try model.compile(
      optimizer: "sgd", loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"]
    )
    let logs = try model.trainOnBatch(x, y)
    #expect(logs["loss"] != nil && logs["accuracy"] != nil)
    #expect(try model.predictOnBatch(x).shape == [32, 3])
  }

  @Test func customTrainStepKeepsFitWorking() throws {
    final class CountingModel: Model {
      let dense = Dense(3)
      var steps = 0
      override func call(_ x: Tensor, training: Bool) throws -> Tensor { try dense(x) }
      override func trainStep(_ x: [Tensor], _ y: [Tensor]) throws -> [String: Double] {
        steps += 1
        return try super.trainStep(x, y)
      }
    }
    let (x, y) = try problem(samples: 40)
    let model = CountingModel()
    try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
    try model.fit(x, y, batchSize: 10, epochs: 2, verbose: 0)
    #expect(model.steps == 8)
  }
}

/// Keeps a copy of the weights at the end of every epoch.
private final class WeightRecorder: Callback {
  weak var model: Model?
  var snapshots: [[Float]] = []
  func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    snapshots.append(try model?.getWeights().flatMap { try $0.scalars(Float.self) } ?? [])
  }

  @Test func fitRejectsABadLabelOrValidationShapeBeforeItsFirstStep() throws {
    let (x, y) = try problem(samples: 64)
    let model = makeModel()
    try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
    try model.buildIfNeeded([Shape([-1, 6])])
    let before = try model.getWeights().map { try $0.floats() }
    // The bad label sits in the last batch: a check at its step would come after updates.
    var labels = try y.scalars(Int32.self)
    labels[63] = 3
    let bad = try Tensor(labels, shape: [64])
    #expect(throws: PlexusError.self) {
      try model.fit(x, bad, batchSize: 8, verbose: 0, shuffle: false)
    }
    labels[63] = -1
    #expect(throws: PlexusError.self) {
      try model.fit(x, try Tensor(labels, shape: [64]), batchSize: 8, verbose: 0, shuffle: false)
    }
    // A bad label in the validation targets fails before training too.
    #expect(throws: PlexusError.self) {
      try model.fit(
        x, y, batchSize: 8, verbose: 0, validationData: (x, try Tensor(labels, shape: [64])))
    }
    // Validation data with 5 features for a model of 6 fails before training, not after it.
    let narrow = try Ops.slice(x, starts: [0, 0], sizes: [64, 5])
    #expect(throws: PlexusError.self) {
      try model.fit(x, y, batchSize: 8, verbose: 0, validationData: (narrow, y))
    }
    #expect(try model.getWeights().map { try $0.floats() } == before)
  }
}

import Testing

@testable import Plexus

/// Records every hook `fit` calls, in order.
private final class HookRecorder: Callback {
  weak var model: Model?
  var events: [String] = []
  func onTrainBegin(logs: [String: Double]) throws { events.append("train_begin") }
  func onTrainEnd(logs: [String: Double]) throws { events.append("train_end") }
  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    events.append("epoch_begin \(epoch)")
  }
  func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    events.append("epoch_end \(epoch) " + logs.keys.sorted().joined(separator: ","))
  }
  func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    events.append("batch \(batch)")
  }
  func onPredictEnd(logs: [String: Double]) throws { events.append("predict_end") }
}

/// Records the params each call hands its callbacks.
private final class ParamsRecorder: Callback {
  weak var model: Model?
  var params: [[String: Int]] = []
  func setParams(_ params: [String: Int]) { self.params.append(params) }
}

@Suite struct CallbackTests {
  @Test func fitCallsKerasHooksInOrder() throws {
    let model = Sequential([Dense(2)])
    try model.compile(optimizer: "sgd", loss: "mse")
    let recorder = HookRecorder()
    let x = try Tensor.ones([4, 3])
    let y = try Tensor.zeros([4, 2])
    let history = try model.fit(
      x, y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [recorder], validationData: (x, y))
    #expect(
      recorder.events == [
        "train_begin", "epoch_begin 0", "batch 0", "batch 1", "epoch_end 0 loss,val_loss",
        "epoch_begin 1", "batch 0", "batch 1", "epoch_end 1 loss,val_loss", "train_end",
      ])
    #expect(recorder.model === model)
    #expect(history.epoch == [0, 1])
    #expect(history.history["val_loss"]?.count == 2)
    _ = try model.predict(x, callbacks: [recorder])
    #expect(recorder.events.last == "predict_end")
  }

  @Test func callbacksReceiveKerasParamsBeforeTheFirstHook() throws {
    let model = Sequential([Dense(2)])
    try model.compile(optimizer: "sgd", loss: "mse")
    let recorder = ParamsRecorder()
    let x = try Tensor.ones([10, 3])
    let y = try Tensor.zeros([10, 2])
    // 10 samples, 2 held out: 8 in batches of 3 make 3 steps.
    try model.fit(
      x, y, batchSize: 3, epochs: 4, verbose: 0, callbacks: [recorder], validationSplit: 0.2)
    _ = try model.evaluate(x, y, batchSize: 4, verbose: 0, callbacks: [recorder])
    _ = try model.predict(x, batchSize: 5, callbacks: [recorder])
    #expect(
      recorder.params == [
        ["epochs": 4, "steps": 3, "verbose": 0], ["epochs": 1, "steps": 3, "verbose": 0],
        ["epochs": 1, "steps": 2, "verbose": 0],
      ])
  }

  @Test func initialEpochResumesTheCount() throws {
    let model = Sequential([Dense(1)])
    try model.compile(optimizer: "sgd", loss: "mse")
    let history = try model.fit(
      Tensor.ones([2, 1]), Tensor.ones([2, 1]), epochs: 3, verbose: 0, initialEpoch: 1)
    #expect(history.epoch == [1, 2])
  }

  @Test func aCallbackCanStopTraining() throws {
    final class StopAfterFirst: Callback {
      weak var model: Model?
      func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws { model?.stopTraining = true }
    }
    let model = Sequential([Dense(1)])
    try model.compile(optimizer: "sgd", loss: "mse")
    let history = try model.fit(
      Tensor.ones([2, 1]), Tensor.ones([2, 1]), epochs: 5, verbose: 0,
      callbacks: [StopAfterFirst()])
    #expect(history.epoch == [0])
  }

  @Test func earlyStoppingWaitsForPatience() throws {
    let stopper = EarlyStopping(monitor: "loss", patience: 2)
    let model = Sequential([Dense(1)])
    stopper.model = model
    try stopper.onTrainBegin(logs: [:])
    for (epoch, loss) in [1.0, 0.5, 0.6, 0.7].enumerated() {
      try stopper.onEpochEnd(epoch, logs: ["loss": loss])
    }
    #expect(model.stopTraining)
    #expect(stopper.bestEpoch == 1)
    #expect(stopper.stoppedEpoch == 3)
  }

  /// In auto mode the direction comes from the compiled metric, as Keras's `MonitorCallback`
  /// finds it: precision and recall go up (a name heuristic took them as losses), and a name
  /// no compiled metric logs is an error rather than a guess.
  @Test func earlyStoppingTakesTheDirectionFromTheCompiledMetric() throws {
    let model = Sequential([Dense(1, activation: .sigmoid)])
    try model.compile(
      optimizer: SGD(), loss: BinaryCrossentropy(), metrics: [Accuracy(), Precision()])
    for monitor in ["val_accuracy", "val_precision"] {
      let watcher = EarlyStopping(monitor: monitor)
      watcher.model = model
      model.stopTraining = false
      try watcher.onTrainBegin(logs: [:])
      for (epoch, value) in [0.5, 0.6, 0.7].enumerated() {
        try watcher.onEpochEnd(epoch, logs: [monitor: value])
      }
      #expect(!model.stopTraining, "\(monitor) rising is an improvement")
      #expect(watcher.bestEpoch == 2)
    }
    let unknown = EarlyStopping(monitor: "val_sharpness")
    unknown.model = model
    let text = try #require(thrownText { try unknown.onEpochEnd(0, logs: ["val_sharpness": 1]) })
    #expect(text.contains("EarlyStopping") && text.contains("val_sharpness"))
  }
}

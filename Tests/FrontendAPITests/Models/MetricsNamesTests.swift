import Testing

@testable import Plexus

/// `Model.metricsNames`: the names `evaluate` logs, in the order of Keras's `evaluate` list
/// (which the C ABI's logs and so Python's list follow), with Keras's `_1` for a repeated name.
@Suite struct MetricsNamesTests {
  @Test func singleOutputNamesFollowTheCompileOrder() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(1, kernelInitializer: .zeros)
    }
    #expect(model.metricsNames.isEmpty)
    try model.compile(
      optimizer: SGD(), loss: MeanSquaredError(),
      metrics: [RootMeanSquaredError(), Metrics.MeanAbsoluteError(name: "mae")])
    #expect(model.metricsNames == ["loss", "root_mean_squared_error", "mae"])
  }

  /// Two `AUC()`s log `auc` and `auc_1`, each its own value, as in Keras (the second one used
  /// to overwrite the first).
  @Test func repeatedNamesGetKerasSuffixes() throws {
    let model = withRandomSeed(3) {
      Sequential {
        Input(shape: [3])
        Dense(1, activation: .sigmoid)
      }
    }
    try model.compile(
      optimizer: SGD(), loss: BinaryCrossentropy(), metrics: [AUC(), AUC(curve: .pr)])
    #expect(model.metricsNames == ["loss", "auc", "auc_1"])
    let x = try withRandomSeed(4) { try Ops.randomNormal([40, 3]) }
    let y = try Ops.cast(
      Ops.greater(Ops.slice(x, starts: [0, 0], sizes: [40, 1]), Tensor.scalar(0)), to: .float32)
    let logs = try model.evaluate(x, y, verbose: 0)
    let (roc, pr) = try (#require(logs["auc"]), #require(logs["auc_1"]))
    #expect(roc != pr)
  }

  /// Keras 3.15: `['loss', 'zeta_loss', 'alpha_loss', 'alpha_mae', 'zeta_mae']` for outputs
  /// `zeta`, `alpha` (its evaluate list sorts the prefixed metric names).
  @Test func severalOutputsListTheirLossesInOutputOrderThenTheMetricsSorted() throws {
    let input = Input(shape: [2], name: "x")
    let zeta = try Dense(1, name: "zeta")(input)
    let alpha = try Dense(1, name: "alpha")(input)
    let model = try Model(inputs: [input], outputs: [zeta, alpha])
    try model.compile(
      optimizer: SGD(), loss: [MeanSquaredError(), MeanSquaredError()], metrics: ["mae"])
    #expect(
      model.metricsNames == ["loss", "zeta_loss", "alpha_loss", "alpha_mae", "zeta_mae"])
  }
}

/// Keras's per-output metrics (`metrics=[["mae"], ["accuracy"]]` or a dict by output name):
/// each output logs its own, and `compile_config` carries them through a file's JSON.
@Suite struct PerOutputMetricsTests {
  private static func twoHeads() throws -> Model {
    let input = Input(shape: [4], name: "x")
    let hidden = try Dense(8, activation: .relu, name: "hidden")(input)
    let price = try Dense(1, name: "price")(hidden)
    let kind = try Dense(3, name: "kind")(hidden)
    return try Model(inputs: [input], outputs: [price, kind])
  }

  @Test func eachOutputLogsItsOwnMetrics() throws {
    let model = try withRandomSeed(8) { try Self.twoHeads() }
    try model.compile(
      optimizer: "adam", loss: ["mse", SparseCategoricalCrossentropy(fromLogits: true)],
      outputMetrics: [["mae"], ["accuracy"]])
    #expect(
      model.metricsNames == ["loss", "price_loss", "kind_loss", "kind_accuracy", "price_mae"])
    let x = try withRandomSeed(9) { try Ops.randomNormal([16, 4]) }
    let labels = try Tensor((0..<16).map { Int32($0 % 3) }, shape: [16])
    let logs = try model.evaluate(
      [x], [Ops.slice(x, starts: [0, 0], sizes: [16, 1]), labels], verbose: 0)
    #expect(Set(logs.keys) == Set(model.metricsNames))
    // The accuracy is that of the logits' argmax against the labels.
    let predicted = try model(multiple: [x])[1].floats()
    let hits = (0..<16).filter { row in
      let scores = predicted[(row * 3)..<(row * 3 + 3)]
      return scores.firstIndex(of: scores.max()!)! - row * 3 == row % 3
    }
    #expect(abs(try #require(logs["kind_accuracy"]) - Double(hits.count) / 16) < 1e-9)
  }

  @Test func perOutputMetricsTravelThroughTheCompileConfig() throws {
    let model = try Self.twoHeads()
    try model.compile(
      optimizer: "sgd", loss: ["mse", "mse"], outputMetrics: [["mae"], []])
    let config = try ConfigValue(json: model.toJSON())
    #expect(config["compile_config"]?["metrics"] == [["mae"], []])
    let copy = try Model.fromJSON(model.toJSON())
    #expect(copy.metricsNames == ["loss", "price_loss", "kind_loss", "price_mae"])
    // Keras's dict form: by output name, the others get none.
    var edited = try #require(config.objectValue)
    var compileConfig = try #require(edited["compile_config"]?.objectValue)
    compileConfig["metrics"] = ["kind": ["mse"]]
    edited["compile_config"] = .object(compileConfig)
    let fromDict = try Model.fromJSON(ConfigValue.object(edited).jsonString(pretty: false))
    #expect(fromDict.metricsNames == ["loss", "price_loss", "kind_loss", "kind_mse"])
    compileConfig["metrics"] = ["colour": ["mae"]]
    edited["compile_config"] = .object(compileConfig)
    let text =
      thrownText { try Model.fromJSON(ConfigValue.object(edited).jsonString(pretty: false)) } ?? ""
    #expect(text.contains("colour"), "\(text)")
  }

  @Test func aMetricObjectOnTwoOutputsIsRefused() throws {
    let model = try Self.twoHeads()
    let shared = Metrics.MeanAbsoluteError()
    let text =
      thrownText {
        try model.compile(
          optimizer: "sgd", loss: ["mse", "mse"], outputMetrics: [[shared], [shared]])
      } ?? ""
    #expect(text.contains("twice"), "\(text)")
  }
}

/// Callbacks in auto mode find a metric by the name it logs under, and a loss averaged as a
/// metric goes down; a single output's per-output metrics are the model's metrics.
@Suite struct LoggedNameTests {
  @Test func autoModeFindsLoggedNamesAndLossMetricsGoDown() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(1, activation: .sigmoid)
    }
    try model.compile(
      optimizer: SGD(), loss: BinaryCrossentropy(),
      metrics: [AUC(), AUC(curve: .pr), "binary_crossentropy"])
    // (ModelCheckpoint and ReduceLROnPlateau resolve their direction this way.)
    for (name, up) in [("val_auc_1", true), ("binary_crossentropy", false), ("val_loss", false)] {
      var monitor = MonitorCallback(monitor: name, mode: .auto, baseline: nil, minDelta: 0)
      try monitor.resolve(model: model, callback: "test")
      #expect(monitor.isImprovement(0.6, over: 0.5) == up, "\(name)")
    }
  }

  @Test func oneOutputsPerOutputMetricsAreTheModelsMetrics() throws {
    let model = Sequential(name: "single") {
      Input(shape: [3])
      Dense(1)
    }
    try model.compile(optimizer: "sgd", loss: ["mse"], outputMetrics: [["mae"]])
    #expect(model.metricsNames == ["loss", "mae"])
    let config = try ConfigValue(json: model.toJSON())
    #expect(config["compile_config"]?["metrics"] == ["mae"])
    #expect(try Model.fromJSON(model.toJSON()).metricsNames == ["loss", "mae"])
    var edited = try #require(config.objectValue)
    var compileConfig = try #require(edited["compile_config"]?.objectValue)
    let output = try #require(model.outputNames.first)
    for metrics: ConfigValue in [[["mae"]], .object([output: ["mae"]])] {
      compileConfig["metrics"] = metrics
      edited["compile_config"] = .object(compileConfig)
      let copy = try Model.fromJSON(ConfigValue.object(edited).jsonString(pretty: false))
      #expect(copy.metricsNames == ["loss", "mae"], "\(metrics)")
    }
  }
}

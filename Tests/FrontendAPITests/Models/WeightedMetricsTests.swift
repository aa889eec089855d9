import Plexus
import Testing

/// `compile(weightedMetrics:)`, Keras's `weighted_metrics`: weighed by the sample weights
/// `evaluate` and `fit` get while `metrics` are not, logged under Keras's names, and carried by
/// the compile config. The figures are Keras 3.15's for the same model and data.
@Suite struct WeightedMetricsTests {
  /// y = x (a Dense of kernel 1, bias 0) on x 1, 2, 3, 4 against targets 1, 1, 5, 2: errors
  /// 0, 1, 2, 2. Sample weights 1, 0, 0, 1 keep the first and last.
  static func model() throws -> Sequential {
    Sequential {
      Input(shape: [1])
      Dense(1, kernelInitializer: .ones, biasInitializer: .zeros)
    }
  }
  static let x: [Float] = [1, 2, 3, 4]
  static let y: [Float] = [1, 1, 5, 2]
  static let weights: [Float] = [1, 0, 0, 1]

  /// Keras: `{'loss': 1.0, 'mae': 1.25, 'mse': 2.0, 'weighted_mae': 1.0}` with the weights,
  /// `{'loss': 2.25, 'mae': 1.25, 'mse': 2.25, 'weighted_mae': 1.25}` without.
  @Test func weighsOnlyTheWeightedMetricsAsKeras() throws {
    let model = try Self.model()
    try model.compile(
      optimizer: SGD(), loss: "mse", metrics: ["mae"], weightedMetrics: ["mae", "mse"])
    let x = try Tensor(Self.x, shape: [4, 1])
    let y = try Tensor(Self.y, shape: [4, 1])
    let weighted = try model.evaluate(
      x, y, verbose: 0, sampleWeight: Tensor(Self.weights, shape: [4]))
    #expect(weighted == ["loss": 1, "mae": 1.25, "mse": 2, "weighted_mae": 1])
    let plain = try model.evaluate(x, y, verbose: 0)
    #expect(plain == ["loss": 2.25, "mae": 1.25, "mse": 2.25, "weighted_mae": 1.25])
    #expect(model.metricsNames == ["loss", "mae", "mse", "weighted_mae"])
    #expect(model.weightedMetrics.map(\.name) == ["mae", "mse"])
  }

  /// `fit`'s sample weights and class weights reach the weighted metrics; a weighted metric
  /// can drive a callback.
  @Test func fitWeighsThemWithSampleAndClassWeights() throws {
    let model = try Self.model()
    try model.compile(
      optimizer: SGD(learningRate: 0), loss: "mse", weightedMetrics: ["mae"])
    let x = try Tensor(Self.x, shape: [4, 1])
    let y = try Tensor(Self.y, shape: [4, 1])
    let history = try model.fit(
      x, y, batchSize: 4, epochs: 1, verbose: 0, sampleWeight: Tensor(Self.weights, shape: [4]),
      shuffle: false)
    #expect(history.history["mae"] == [1])
    // Class weights by target value: 1 → 3, 5 → 0, 2 → 1: errors 0, 1, 2, 2 weighed
    // 3, 3, 0, 1 give 5 / 7.
    let byClass = try Self.model()
    try byClass.compile(
      optimizer: SGD(learningRate: 0), loss: "mse", weightedMetrics: ["mae"])
    let classWeighted = try byClass.fit(
      x, y, batchSize: 4, epochs: 1, verbose: 0, classWeight: [1: 3, 5: 0, 2: 1],
      shuffle: false)
    #expect(abs((classWeighted.history["mae"]?.first ?? 0) - 5.0 / 7.0) < 1e-6)
  }

  @Test func travelsThroughTheCompileConfig() throws {
    let model = try Self.model()
    try model.compile(
      optimizer: SGD(), loss: "mse", metrics: ["mae"],
      weightedMetrics: ["mae", Precision(thresholds: [0.5])])
    let config = try ConfigValue(json: model.toJSON())
    let weighted = try #require(config["compile_config"]?["weighted_metrics"]?.arrayValue)
    #expect(weighted.first == "mae" && weighted.count == 2)
    let copy = try Model.fromJSON(model.toJSON())
    #expect(copy.metricsNames == model.metricsNames)
    #expect(copy.weightedMetrics.map(\.className) == model.weightedMetrics.map(\.className))
    // Keras's per-output forms are refused by name.
    var edited = try #require(config.objectValue)
    var compileConfig = try #require(edited["compile_config"]?.objectValue)
    compileConfig["weighted_metrics"] = [["mae"]]
    edited["compile_config"] = .object(compileConfig)
    let text =
      thrownText { try Model.fromJSON(ConfigValue.object(edited).jsonString(pretty: false)) } ?? ""
    #expect(text.contains("weighted_metrics"), "\(text)")
  }

  @Test func aModelWithSeveralOutputsRefusesThem() throws {
    let input = Input(shape: [2])
    let model = try Model(
      inputs: [input], outputs: [try Dense(1, name: "a")(input), try Dense(1, name: "b")(input)])
    let text =
      thrownText {
        try model.compile(optimizer: "sgd", loss: ["mse", "mse"], weightedMetrics: ["mae"])
      } ?? ""
    #expect(text.contains("one output"), "\(text)")
  }

  /// Keras's names for repeats: `mae`, then `weighted_mae`, then `weighted_mae_1`.
  @Test func namesRepeatsAsKeras() throws {
    let model = try Self.model()
    try model.compile(
      optimizer: SGD(), loss: "mse", metrics: ["mae"], weightedMetrics: ["mae", "mae"])
    #expect(model.metricsNames == ["loss", "mae", "weighted_mae", "weighted_mae_1"])
  }

  @Test func refusesAnObjectListedTwice() throws {
    let model = try Self.model()
    let shared = Metrics.MeanAbsoluteError()
    let text =
      thrownText {
        try model.compile(
          optimizer: "sgd", loss: "mse", metrics: [shared], weightedMetrics: [shared])
      } ?? ""
    #expect(text.contains("twice"), "\(text)")
  }
}

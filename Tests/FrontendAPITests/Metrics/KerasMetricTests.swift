import Foundation
import Testing

@testable import Plexus

private func config(_ className: String, _ settings: [String: ConfigValue]) -> ConfigValue {
  ["module": "keras.metrics", "class_name": .string(className), "config": .object(settings)]
}

/// Names, configs, settings and state of MeanAbsoluteError, RootMeanSquaredError, Precision,
/// Recall, AUC, TopKCategoricalAccuracy, F1Score and FBetaScore; their results against Keras's are in
/// ``KerasMetricParityTests``.
@Suite struct KerasMetricTests {
  @Test func namedResolvesKerasNamesKeepingTheName() throws {
    let expected: [(String, Metric.Type)] = [
      ("mae", Metrics.MeanAbsoluteError.self), ("MAE", Metrics.MeanAbsoluteError.self),
      ("mean_absolute_error", Metrics.MeanAbsoluteError.self),
      ("root_mean_squared_error", RootMeanSquaredError.self), ("precision", Precision.self),
      ("recall", Recall.self), ("auc", AUC.self), ("AUC", AUC.self),
      ("top_k_categorical_accuracy", TopKCategoricalAccuracy.self), ("f1_score", F1Score.self),
      ("MeanAbsoluteError", Metrics.MeanAbsoluteError.self),
      ("RootMeanSquaredError", RootMeanSquaredError.self),
      ("TopKCategoricalAccuracy", TopKCategoricalAccuracy.self), ("F1Score", F1Score.self),
      ("FBetaScore", FBetaScore.self),
    ]
    for (name, type) in expected {
      let metric = try Metric.named(name)
      #expect(Swift.type(of: metric) == type, "\(name)")
      #expect(metric.name == name, "\(name): Keras's compile names the metric as asked")
    }
    // Keras's `get` does not know "rmse" either.
    #expect(throws: PlexusError.self) { try Metric.named("rmse") }
  }

  @Test func defaultsHaveKerasNamesAndConfigs() throws {
    let defaults: [(Metric, String, Set<String>)] = [
      (Metrics.MeanAbsoluteError(), "mean_absolute_error", []),
      (RootMeanSquaredError(), "root_mean_squared_error", []),
      (Precision(), "precision", ["thresholds", "top_k", "class_id"]),
      (Recall(), "recall", ["thresholds", "top_k", "class_id"]),
      (TopKCategoricalAccuracy(), "top_k_categorical_accuracy", ["k"]),
      (F1Score(), "f1_score", ["average", "threshold"]),
      (FBetaScore(), "fbeta_score", ["average", "beta", "threshold"]),
      (
        AUC(), "auc",
        [
          "num_thresholds", "curve", "summation_method", "multi_label", "num_labels",
          "label_weights", "from_logits",
        ]
      ),
    ]
    for (metric, name, keys) in defaults {
      #expect(metric.name == name)
      #expect(Set(metric.config.keys) == keys.union(["name", "dtype"]), "\(name)")
      let rebuilt = try Metric.fromConfig(metric.serialized.value)
      #expect(rebuilt.serialized == metric.serialized, "\(name)")
    }
    #expect(AUC().config["num_thresholds"] == 200)
    #expect(TopKCategoricalAccuracy().config["k"] == 5)
  }

  @Test func settingsRoundTripThroughConfigs() throws {
    let metrics: [Metric] = [
      Precision(thresholds: [0.3], topK: 2, classId: 1), Recall(thresholds: [0.2, 0.7]),
      AUC(
        numThresholds: 50, curve: .pr, summationMethod: .minoring, thresholds: [0.6, 0.2],
        multiLabel: true, numLabels: 2, labelWeights: [1, 3], fromLogits: true),
      F1Score(average: .weighted, threshold: 0.4), TopKCategoricalAccuracy(k: 3, name: "top3"),
    ]
    for metric in metrics {
      let value = metric.serialized.value
      #expect(try Metric.fromConfig(value).serialized.value == value, "\(metric.className)")
    }
    // One threshold is written as a number, several as a list, as Keras writes what it got.
    #expect(Precision(thresholds: [0.3]).config["thresholds"] == .double(0.3))
    #expect(Recall(thresholds: [0.2, 0.7]).config["thresholds"] == [0.2, 0.7])
    // AUC keeps its thresholds sorted and counts the two end points.
    let auc = AUC(thresholds: [0.6, 0.2])
    #expect(auc.thresholds == [0.2, 0.6] && auc.numThresholds == 4)
  }

  /// A compiled metric is saved by name only when the name rebuilds it: a Precision with other
  /// thresholds keeps them through `compile_config`.
  @Test func compileConfigKeepsMetricSettings() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(1, activation: .sigmoid)
    }
    try model.compile(
      optimizer: "sgd", loss: "binary_crossentropy",
      metrics: [Precision(thresholds: [0.3]), "mae", AUC(curve: .pr), "accuracy"])
    let written = try ConfigValue(json: model.toJSON())
    let metrics = try #require(written["compile_config"]?["metrics"]?.arrayValue)
    #expect(metrics.count == 4)
    #expect(metrics[0]["config"]?["thresholds"] == .double(0.3))
    #expect(metrics[1] == "mae" && metrics[3] == "accuracy")
    #expect(metrics[2]["config"]?["curve"] == "PR")
    let loaded = try Model.fromJSON(model.toJSON())
    #expect((loaded.metrics.first as? Precision)?.thresholds == [0.3])
    #expect(loaded.metrics.map(\.name) == ["precision", "mae", "auc", "accuracy"])
  }

  @Test func badSettingsThrowNamingTheMetricAndSetting() throws {
    let cases: [(ConfigValue, String)] = [
      (config("Precision", ["thresholds": 1.5]), "thresholds"),
      (config("Recall", ["thresholds": ["a"]]), "thresholds"),
      (config("AUC", ["curve": "ROCKET"]), "curve"),
      (config("AUC", ["summation_method": "simpson"]), "summation_method"),
      (config("AUC", ["num_thresholds": 1]), "num_thresholds"),
      (config("AUC", ["num_labels": 3]), "num_labels"),
      (config("AUC", ["label_weights": ["x": 1]]), "label_weights"),
      (config("F1Score", ["threshold": 0]), "threshold"),
      (config("F1Score", ["average": "samples"]), "average"),
      (config("F1Score", ["beta": 2]), "beta"),
      (config("FBetaScore", ["beta": 0]), "beta"),
      (config("FBetaScore", ["beta": -1.5]), "beta"),
      (config("FBetaScore", ["beta": "two"]), "beta"),
      (config("TopKCategoricalAccuracy", ["k": "five"]), "k"),
      (config("RootMeanSquaredError", ["dtype": "float16"]), "dtype"),
      (config("MeanAbsoluteError", ["beta": 2]), "beta"),
    ]
    for (value, key) in cases {
      #expect {
        _ = try Metric.fromConfig(value)
      } throws: { error in
        "\(error)".contains(key)
      }
    }
  }

  @Test func precisionAndRecallCountByThreshold() throws {
    let labels = try Tensor([1, 0, 1, 1] as [Float])
    let scores = try Tensor([0.9, 0.6, 0.4, 0.2] as [Float])
    let precision = Precision(thresholds: [0.3, 0.5])
    try precision.update(labels, scores)
    // Above 0.3: 0.9, 0.6, 0.4 (two positives); above 0.5: 0.9, 0.6 (one).
    #expect(precision.results() == [2.0 / 3, 0.5])
    #expect(precision.truePositives == [2, 1] && precision.falsePositives == [1, 1])
    #expect(precision.result() == 2.0 / 3)
    let recall = Recall()
    try recall.update(labels, scores, sampleWeight: Tensor([1, 1, 2, 1] as [Float]))
    #expect(recall.result() == 1.0 / 4)
    recall.reset()
    #expect(recall.result() == 0 && recall.falseNegatives == [0])
  }

  @Test func aucOfSeparatedAndReversedScores() throws {
    let labels = try Tensor([0, 0, 1, 1] as [Float])
    let auc = AUC()
    try auc.update(labels, Tensor([0.1, 0.2, 0.8, 0.9] as [Float]))
    #expect(abs(auc.result() - 1) < 1e-9)
    auc.reset()
    try auc.update(labels, Tensor([0.9, 0.8, 0.2, 0.1] as [Float]))
    #expect(abs(auc.result()) < 1e-9)
  }

  @Test func f1ScoreKeepsItsClassCount() throws {
    let metric = F1Score()
    let onehot = try Tensor([1, 0, 0, 0, 1, 0] as [Float], shape: [2, 3])
    try metric.update(onehot, onehot)
    #expect(metric.results().map { ($0 * 1e6).rounded() / 1e6 } == [1, 1, 0])
    #expect {
      try metric.update(Tensor.zeros([2, 4]), Tensor.zeros([2, 4]))
    } throws: { error in
      "\(error)".contains("F1Score") && "\(error)".contains("3 classes")
    }
    metric.reset()
    #expect(metric.results() == [0, 0, 0])
  }

  @Test func rootMeanSquaredErrorAndTopK() throws {
    let rmse = RootMeanSquaredError()
    try rmse.update(Tensor([0, 0] as [Float]), Tensor([3, 4] as [Float]))
    #expect(abs(rmse.result() - (12.5 as Double).squareRoot()) < 1e-12)
    let top = TopKCategoricalAccuracy(k: 1)
    let targets = try Tensor([0, 1, 0, 1, 0, 0] as [Float], shape: [2, 3])
    // Row 1 ties its label with another class: a hit, as `in_top_k` counts ties.
    try top.update(targets, Tensor([0.2, 0.4, 0.4, 0.5, 0.3, 0.2] as [Float], shape: [2, 3]))
    #expect(top.result() == 1)
  }
}

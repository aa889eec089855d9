extension Metric {
  /// The metric as `keras.saving.serialize_keras_object` writes it.
  public var serialized: SerializedObject {
    let registered = Self.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.metrics" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Rebuilds a metric from its serialized form, or from a Keras name (`"accuracy"`).
  /// Equivalent to `keras.metrics.deserialize`.
  public static func fromConfig(_ value: ConfigValue) throws -> Metric {
    if let name = value.stringValue { return try named(name) }
    return try registry.make(SerializedObject(value, kind: "Metric"))
  }

  /// The names metrics load by; register custom ones here.
  public static let registry = Registry<Metric>(
    kind: "metric", owner: "Metric.registry",
    builtins: ([
      "Accuracy": { config in
        try finish(config, Accuracy(name: try settings(config, "accuracy")))
      },
      "BinaryAccuracy": { config in
        let name = try settings(config, "binary_accuracy")
        return try finish(
          config,
          BinaryAccuracy(name: name, threshold: try config.double("threshold", default: 0.5)))
      },
      "CategoricalAccuracy": { config in
        try finish(config, CategoricalAccuracy(name: try settings(config, "categorical_accuracy")))
      },
      "SparseCategoricalAccuracy": { config in
        try finish(
          config,
          SparseCategoricalAccuracy(name: try settings(config, "sparse_categorical_accuracy")))
      },
      "Mean": { config in try finish(config, Mean(name: try settings(config, "mean"))) },
      "Sum": { config in try finish(config, Sum(name: try settings(config, "sum"))) },
      "R2Score": { config in
        let name = try settings(config, "r2_score")
        var aggregation: R2Score.ClassAggregation? = .uniformAverage
        if config.value("class_aggregation")?.isNull == true {
          aggregation = nil
        } else {
          let text = try config.string("class_aggregation", default: "uniform_average")
          guard let known = R2Score.ClassAggregation(rawValue: text) else {
            throw config.mismatch(
              "class_aggregation", "null, 'uniform_average' or 'variance_weighted_average'")
          }
          aggregation = known
        }
        return try finish(
          config,
          try R2Score(
            classAggregation: aggregation,
            numRegressors: try integer(config, "num_regressors", default: 0), name: name))
      },
      "SparseTopKCategoricalAccuracy": { config in
        let name = try settings(config, "sparse_top_k_categorical_accuracy")
        try config.requireDefault(
          "from_sorted_ids", false, reason: "Plexus's metric reads scores, not sorted class ids")
        return try finish(
          config,
          SparseTopKCategoricalAccuracy(k: try integer(config, "k", default: 5), name: name))
      },
      "MeanAbsoluteError": { config in
        try finish(
          config, Metrics.MeanAbsoluteError(name: try settings(config, "mean_absolute_error")))
      },
      "CosineSimilarity": { config in
        let name = try settings(config, "cosine_similarity")
        let axis = try integer(config, "axis", default: -1)
        return try finish(config, Metrics.CosineSimilarity(name: name, axis: axis))
      },
      "PearsonCorrelation": { config in
        let name = try settings(config, "pearson_correlation")
        return try finish(config, PearsonCorrelation(name: name, axes: try axes(config)))
      },
      "ConcordanceCorrelation": { config in
        let name = try settings(config, "concordance_correlation")
        return try finish(config, ConcordanceCorrelation(name: name, axes: try axes(config)))
      },
      "RootMeanSquaredError": { config in
        try finish(
          config, RootMeanSquaredError(name: try settings(config, "root_mean_squared_error")))
      },
      "TopKCategoricalAccuracy": { config in
        let name = try settings(config, "top_k_categorical_accuracy")
        return try finish(
          config, TopKCategoricalAccuracy(k: try integer(config, "k", default: 5), name: name))
      },
      "Precision": { config in
        let name = try settings(config, "precision")
        let metric = Precision(
          thresholds: try numbers(config, "thresholds", allowingOne: true),
          topK: try config.optionalInt("top_k"), classId: try config.optionalInt("class_id"),
          name: name)
        _ = try metric.confusionThresholds(metric.thresholds, topK: metric.topK)
        return try finish(config, metric)
      },
      "Recall": { config in
        let name = try settings(config, "recall")
        let metric = Recall(
          thresholds: try numbers(config, "thresholds", allowingOne: true),
          topK: try config.optionalInt("top_k"), classId: try config.optionalInt("class_id"),
          name: name)
        _ = try metric.confusionThresholds(metric.thresholds, topK: metric.topK)
        return try finish(config, metric)
      },
      "AUC": { config in
        let name = try settings(config, "auc")
        let curveName = try config.string("curve", default: "ROC")
        guard let curve = AUC.Curve(rawValue: curveName.uppercased()) else {
          throw config.mismatch("curve", "one of 'ROC', 'PR', 'PRGAIN'")
        }
        let method = try config.string("summation_method", default: "interpolation")
        guard let summation = AUC.SummationMethod(rawValue: method.lowercased()) else {
          throw config.mismatch(
            "summation_method", "one of 'interpolation', 'minoring', 'majoring'")
        }
        let metric = AUC(
          numThresholds: try integer(config, "num_thresholds", default: 200), curve: curve,
          summationMethod: summation, name: name,
          thresholds: try numbers(config, "thresholds", allowingOne: false),
          multiLabel: try config.bool("multi_label", default: false),
          numLabels: try config.optionalInt("num_labels"),
          labelWeights: try tensorValues(config, "label_weights"),
          fromLogits: try config.bool("from_logits", default: false))
        try metric.validateHyperparameters()
        return try finish(config, metric)
      },
      "F1Score": { config in
        let metric = F1Score(
          average: try fScoreAverage(config), threshold: try config.optionalDouble("threshold"),
          name: try settings(config, "f1_score"))
        try metric.validateHyperparameters()
        return try finish(config, metric)
      },
      "FBetaScore": { config in
        let metric = FBetaScore(
          average: try fScoreAverage(config), beta: try config.double("beta", default: 1),
          threshold: try config.optionalDouble("threshold"),
          name: try settings(config, "fbeta_score"))
        try metric.validateHyperparameters()
        return try finish(config, metric)
      },
    ] as [String: Registry<Metric>.Factory])
    .merging(LossMetric.kerasClasses) { first, _ in first }
    .merging(confusionClasses) { first, _ in first }
    .merging(iouClasses) { first, _ in first })

  /// An F-score's `average`: null, "micro", "macro" or "weighted".
  private static func fScoreAverage(_ config: ConfigReader) throws -> FBetaScore.Average? {
    guard let raw = config.value("average"), !raw.isNull else { return nil }
    guard let value = raw.stringValue.flatMap(FBetaScore.Average.init(rawValue:)) else {
      throw config.mismatch("average", "null, 'micro', 'macro' or 'weighted'")
    }
    return value
  }

  /// Reads `name` and checks `dtype`: Plexus accumulates in float64 on the host and reports
  /// as Keras's float32 metrics do, so only float32 is accepted.
  static func settings(_ config: ConfigReader, _ defaultName: String) throws -> String {
    try config.requireDefault(
      "dtype", "float32", reason: "Plexus metrics report float32 results only")
    return try config.string("name", default: defaultName)
  }

  /// `axis`: an integer or a list of them (-1 when absent).
  static func axes(_ config: ConfigReader) throws -> [Int] {
    guard let raw = config.value("axis"), !raw.isNull else { return [-1] }
    if let single = raw.intValue { return [single] }
    let entries = raw.arrayValue ?? []
    let values = entries.compactMap(\.intValue)
    guard !entries.isEmpty, values.count == entries.count else {
      throw config.mismatch("axis", "an integer or a list of integers")
    }
    return values
  }

  /// An integer, `fallback` when absent.
  static func integer(_ config: ConfigReader, _ key: String, default fallback: Int)
    throws -> Int
  {
    guard let value = try config.optionalInt(key, default: fallback) else {
      throw config.mismatch(key, "an integer")
    }
    return value
  }

  /// A list of numbers (or, `allowingOne`, a single number), nil when absent or null.
  static func numbers(_ config: ConfigReader, _ key: String, allowingOne: Bool)
    throws -> [Double]?
  {
    guard let raw = config.value(key), !raw.isNull else { return nil }
    if allowingOne, let number = raw.doubleValue { return [number] }
    guard let entries = raw.arrayValue, case let values = entries.compactMap(\.doubleValue),
      values.count == entries.count
    else {
      throw config.mismatch(
        key, allowingOne ? "a number, a list of numbers or null" : "a list of numbers or null")
    }
    return values
  }

  /// A list of numbers written as a list or as Keras writes a tensor argument
  /// (`{"class_name": "__tensor__", "config": {"value": [...], "dtype": ...}}`), nil when absent
  /// or null.
  private static func tensorValues(_ config: ConfigReader, _ key: String) throws -> [Double]? {
    guard let raw = config.value(key), !raw.isNull else { return nil }
    let list = raw["class_name"]?.stringValue == "__tensor__" ? raw["config"]?["value"] : raw
    guard let entries = list?.arrayValue, case let values = entries.compactMap(\.doubleValue),
      values.count == entries.count
    else {
      throw config.mismatch(key, "a list of numbers, a tensor or null")
    }
    return values
  }

  static func finish(_ config: ConfigReader, _ metric: Metric) throws -> Metric {
    try config.finish()
    return metric
  }
}

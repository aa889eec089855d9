extension Metric {
  /// The metrics read from confusion counts at thresholds: ``TruePositives`` and its three
  /// siblings, and the rates under a constraint (``PrecisionAtRecall``, ...), by Keras class
  /// name, for ``registry``.
  static let confusionClasses: [String: Registry<Metric>.Factory] = [
    "TruePositives": conditionCount("true_positives") { TruePositives(thresholds: $0, name: $1) },
    "FalsePositives": conditionCount("false_positives") {
      FalsePositives(thresholds: $0, name: $1)
    },
    "TrueNegatives": conditionCount("true_negatives") { TrueNegatives(thresholds: $0, name: $1) },
    "FalseNegatives": conditionCount("false_negatives") {
      FalseNegatives(thresholds: $0, name: $1)
    },
    "SensitivityAtSpecificity": constrained("specificity", "sensitivity_at_specificity") {
      try SensitivityAtSpecificity(
        specificity: $0, numThresholds: $1, classId: $2, name: $3)
    },
    "SpecificityAtSensitivity": constrained("sensitivity", "specificity_at_sensitivity") {
      try SpecificityAtSensitivity(
        sensitivity: $0, numThresholds: $1, classId: $2, name: $3)
    },
    "PrecisionAtRecall": constrained("recall", "precision_at_recall") {
      try PrecisionAtRecall(recall: $0, numThresholds: $1, classId: $2, name: $3)
    },
    "RecallAtPrecision": constrained("precision", "recall_at_precision") {
      try RecallAtPrecision(precision: $0, numThresholds: $1, classId: $2, name: $3)
    },
  ]

  /// A ``ConfusionConditionCount`` made by `make` from `thresholds` (a number, a list or null)
  /// and the name (`defaultName` when absent), its thresholds checked at once.
  private static func conditionCount(
    _ defaultName: String,
    _ make: @escaping @Sendable ([Double]?, String) -> ConfusionConditionCount
  ) -> Registry<Metric>.Factory {
    { config in
      let metric = make(
        try numbers(config, "thresholds", allowingOne: true), try settings(config, defaultName))
      try metric.validateHyperparameters()
      return try finish(config, metric)
    }
  }

  /// A ``SensitivitySpecificityBase`` made by `make` from the required `valueKey`,
  /// `num_thresholds` (200), `class_id` and the name.
  private static func constrained(
    _ valueKey: String, _ defaultName: String,
    _ make: @escaping @Sendable (Double, Int, Int?, String) throws -> Metric
  ) -> Registry<Metric>.Factory {
    { config in
      let name = try settings(config, defaultName)
      let metric = try make(
        try config.double(valueKey), try integer(config, "num_thresholds", default: 200),
        try config.optionalInt("class_id"), name)
      return try finish(config, metric)
    }
  }
}

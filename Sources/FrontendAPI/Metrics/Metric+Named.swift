extension Metric {
  /// The names ``named(_:for:)`` accepts.
  public static let knownNames = [
    "accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy",
    "mean", "mean_absolute_error", "mae", "root_mean_squared_error", "precision", "recall", "auc",
    "top_k_categorical_accuracy", "f1_score", "mean_squared_error", "mse",
    "mean_absolute_percentage_error", "mape", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge",
    "mean_squared_logarithmic_error", "msle", "squared_hinge", "categorical_hinge",
    "sparse_top_k_categorical_accuracy", "cosine_similarity", "pearson_correlation",
    "concordance_correlation",
  ]

  /// A new metric for a Keras metric name. `"accuracy"` (or `"acc"`) resolves through `loss`
  /// the way Keras's `compile` does — sparse categorical cross-entropy gives
  /// ``SparseCategoricalAccuracy``, categorical cross-entropy ``CategoricalAccuracy``, binary
  /// cross-entropy ``BinaryAccuracy``, anything else ``Accuracy`` — and keeps the name it was
  /// asked by, as Keras's logs do. So do the other metrics (`"mae"` logs as `mae`, as after
  /// Keras's `compile`), except the accuracies named after their class. A registered class
  /// name (`"AUC"`, `"TopKCategoricalAccuracy"`) gives that class with its defaults; a loss's
  /// name (`"mse"`, `"binary_crossentropy"`) a ``LossMetric`` averaging that loss.
  /// Equivalent to `keras.metrics.get(name)` plus `compile`'s resolution of `"accuracy"`.
  public static func named(_ name: String, for loss: Loss? = nil) throws -> Metric {
    switch name.lowercased() {
    case "accuracy", "acc":
      switch loss {
      case is SparseCategoricalCrossentropy: return SparseCategoricalAccuracy(name: name)
      case is CategoricalCrossentropy: return CategoricalAccuracy(name: name)
      case is BinaryCrossentropy: return BinaryAccuracy(name: name)
      default: return Accuracy(name: name)
      }
    case "sparse_categorical_accuracy": return SparseCategoricalAccuracy()
    case "categorical_accuracy": return CategoricalAccuracy()
    case "binary_accuracy": return BinaryAccuracy()
    case "mean": return Mean()
    case "mean_absolute_error", "mae": return Metrics.MeanAbsoluteError(name: name)
    case "root_mean_squared_error": return RootMeanSquaredError(name: name)
    case "precision": return Precision(name: name)
    case "recall": return Recall(name: name)
    case "auc": return AUC(name: name)
    case "top_k_categorical_accuracy": return TopKCategoricalAccuracy(name: name)
    case "sparse_top_k_categorical_accuracy": return SparseTopKCategoricalAccuracy(name: name)
    case "f1_score": return F1Score(name: name)
    case "cosine_similarity": return Metrics.CosineSimilarity(name: name)
    case "pearson_correlation": return PearsonCorrelation(name: name)
    case "concordance_correlation": return ConcordanceCorrelation(name: name)
    case "mean_squared_error", "mse", "mean_absolute_percentage_error", "mape",
      "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
      "kl_divergence", "poisson", "hinge", "mean_squared_logarithmic_error", "msle",
      "squared_hinge", "categorical_hinge":
      // Keras's metric functions of these names: the loss with its defaults, averaged.
      return LossMetric(try Loss.named(name), name: name)
    default:
      // Keras's `get` also takes class names, built with their defaults.
      if registry.names.contains(name) {
        return try registry.make(
          SerializedObject(
            module: "keras.metrics", className: name, config: ["name": .string(name)]))
      }
      throw PlexusError.invalidArgument(
        context: "Metric.named",
        message: "unknown metric '\(name)'; known names: \(knownNames.joined(separator: ", ")), "
          + "or a class name: \(registry.names.joined(separator: ", "))")
    }
  }
}

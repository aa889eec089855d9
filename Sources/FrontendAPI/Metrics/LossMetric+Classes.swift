extension LossMetric {
  /// Keras's metric classes that average a loss (`keras.metrics.BinaryCrossentropy(
  /// from_logits=True)`, `keras.metrics.MeanSquaredError()`, ...), by class name, for
  /// ``Metric/registry``: each makes the loss with the settings the class takes and averages
  /// it as ``LossMetric``, writing its class and settings back to its config.
  static let kerasClasses: [String: Registry<Metric>.Factory] = [
    "MeanSquaredError": plain("MeanSquaredError", "mean_squared_error") { MeanSquaredError() },
    "MeanAbsolutePercentageError": plain(
      "MeanAbsolutePercentageError", "mean_absolute_percentage_error"
    ) { MeanAbsolutePercentageError() },
    "KLDivergence": plain("KLDivergence", "kl_divergence") { KLDivergence() },
    "Poisson": plain("Poisson", "poisson") { Poisson() },
    "Hinge": plain("Hinge", "hinge") { Hinge() },
    "LogCoshError": plain("LogCoshError", "logcosh") { LogCosh() },
    "MeanSquaredLogarithmicError": plain(
      "MeanSquaredLogarithmicError", "mean_squared_logarithmic_error"
    ) { MeanSquaredLogarithmicError() },
    "SquaredHinge": plain("SquaredHinge", "squared_hinge") { SquaredHinge() },
    "CategoricalHinge": plain("CategoricalHinge", "categorical_hinge") { CategoricalHinge() },
    "BinaryCrossentropy": { config in
      let name = try Metric.settings(config, "binary_crossentropy")
      let (fromLogits, smoothing) = try crossentropySettings(config)
      return try Metric.finish(
        config,
        LossMetric(
          BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing), name: name,
          kerasClass: "BinaryCrossentropy",
          settings: ["from_logits": .bool(fromLogits), "label_smoothing": .double(smoothing)]))
    },
    "CategoricalCrossentropy": { config in
      let name = try Metric.settings(config, "categorical_crossentropy")
      let (fromLogits, smoothing) = try crossentropySettings(config)
      try config.requireDefault("axis", -1, reason: "Plexus's crossentropy reads the last axis")
      return try Metric.finish(
        config,
        LossMetric(
          CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing),
          name: name, kerasClass: "CategoricalCrossentropy",
          settings: [
            "from_logits": .bool(fromLogits), "label_smoothing": .double(smoothing),
            "axis": -1,
          ]))
    },
    "SparseCategoricalCrossentropy": { config in
      let name = try Metric.settings(config, "sparse_categorical_crossentropy")
      let fromLogits = try config.bool("from_logits", default: false)
      try config.requireDefault("axis", -1, reason: "Plexus's crossentropy reads the last axis")
      return try Metric.finish(
        config,
        LossMetric(
          SparseCategoricalCrossentropy(fromLogits: fromLogits), name: name,
          kerasClass: "SparseCategoricalCrossentropy",
          settings: ["from_logits": .bool(fromLogits), "axis": -1]))
    },
  ]

  /// The class `className`, which takes only a name and a dtype, averaging `loss()`.
  private static func plain(
    _ className: String, _ defaultName: String, _ loss: @escaping @Sendable () -> Loss
  ) -> Registry<Metric>.Factory {
    { config in
      let name = try Metric.settings(config, defaultName)
      return try Metric.finish(config, LossMetric(loss(), name: name, kerasClass: className))
    }
  }

  /// `from_logits` and a `label_smoothing` in [0, 1].
  private static func crossentropySettings(_ config: ConfigReader) throws -> (Bool, Double) {
    let fromLogits = try config.bool("from_logits", default: false)
    let smoothing = try config.double("label_smoothing", default: 0)
    guard (0...1).contains(smoothing) else {
      throw config.mismatch("label_smoothing", "a number in [0, 1]")
    }
    return (fromLogits, smoothing)
  }
}

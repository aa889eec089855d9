extension Loss {
  /// The focal cross-entropies and the overlap losses (``Dice``, ``Tversky``) by Keras class
  /// name, for ``registry``.
  static let focalAndOverlapClasses: [String: Registry<Loss>.Factory] = [
    "BinaryFocalCrossentropy": { config in
      try config.requireDefault("axis", -1, reason: "Plexus reduces over the last axis")
      let loss = BinaryFocalCrossentropy(
        applyClassBalancing: try config.bool("apply_class_balancing", default: false),
        alpha: try config.double("alpha", default: 0.25),
        gamma: try config.double("gamma", default: 2),
        fromLogits: try config.bool("from_logits", default: false),
        labelSmoothing: try config.double("label_smoothing", default: 0),
        reduction: try reduction(config),
        name: try config.string("name", default: "binary_focal_crossentropy"))
      try loss.validateHyperparameters()
      return try finish(config, loss)
    },
    "CategoricalFocalCrossentropy": { config in
      try config.requireDefault("axis", -1, reason: "Plexus reduces over the last axis")
      let loss = CategoricalFocalCrossentropy(
        alpha: try config.double("alpha", default: 0.25),
        gamma: try config.double("gamma", default: 2),
        fromLogits: try config.bool("from_logits", default: false),
        labelSmoothing: try config.double("label_smoothing", default: 0),
        reduction: try reduction(config),
        name: try config.string("name", default: "categorical_focal_crossentropy"))
      try loss.validateHyperparameters()
      return try finish(config, loss)
    },
    "Dice": { config in
      let loss = Dice(
        axis: try config.integers("axis"), reduction: try reduction(config),
        name: try config.string("name", default: "dice"))
      return try finish(config, loss)
    },
    "Tversky": { config in
      let loss = Tversky(
        alpha: try config.double("alpha", default: 0.5),
        beta: try config.double("beta", default: 0.5), axis: try config.integers("axis"),
        reduction: try reduction(config), name: try config.string("name", default: "tversky"))
      try loss.validateHyperparameters()
      return try finish(config, loss)
    },
  ]

}

extension Loss {
  /// The names ``named(_:)`` accepts, besides the Keras class names (`"Huber"`).
  public static let knownNames = [
    "sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
    "mean_squared_error", "mse", "mean_absolute_error", "mae", "mean_absolute_percentage_error",
    "mape", "huber", "kl_divergence", "kld", "cosine_similarity", "hinge", "log_cosh", "poisson",
    "mean_squared_logarithmic_error", "msle", "squared_hinge", "categorical_hinge",
    "binary_focal_crossentropy", "categorical_focal_crossentropy", "dice", "tversky",
  ]

  /// A new loss with Keras's defaults for one of Keras's string names, or for the name of a
  /// registered loss class (`"Huber"`). Equivalent to `keras.losses.get(name)`.
  public static func named(_ name: String) throws -> Loss {
    switch name.lowercased() {
    case "sparse_categorical_crossentropy": return SparseCategoricalCrossentropy()
    case "categorical_crossentropy": return CategoricalCrossentropy()
    case "binary_crossentropy": return BinaryCrossentropy()
    case "mean_squared_error", "mse": return MeanSquaredError()
    case "mean_absolute_error", "mae": return MeanAbsoluteError()
    case "mean_absolute_percentage_error", "mape": return MeanAbsolutePercentageError()
    case "huber": return Huber()
    case "kl_divergence", "kld": return KLDivergence()
    case "cosine_similarity": return CosineSimilarity()
    case "hinge": return Hinge()
    case "log_cosh": return LogCosh()
    case "poisson": return Poisson()
    case "mean_squared_logarithmic_error", "msle": return MeanSquaredLogarithmicError()
    case "squared_hinge": return SquaredHinge()
    case "categorical_hinge": return CategoricalHinge()
    case "binary_focal_crossentropy": return BinaryFocalCrossentropy()
    case "categorical_focal_crossentropy": return CategoricalFocalCrossentropy()
    case "dice": return Dice()
    case "tversky": return Tversky()
    default:
      // Keras's `get` also takes class names, built with their defaults.
      if registry.names.contains(name) {
        return try registry.make(
          SerializedObject(module: "keras.losses", className: name, config: .object([:])))
      }
      throw PlexusError.invalidArgument(
        context: "Loss.named",
        message: "unknown loss '\(name)'; known names: \(knownNames.joined(separator: ", ")), "
          + "or a class name: \(registry.names.joined(separator: ", "))")
    }
  }
}

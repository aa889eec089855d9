extension Loss {
  /// The names ``named(_:)`` accepts.
  public static let knownNames = [
    "sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
    "mean_squared_error", "mse",
  ]

  /// A new loss with Keras's defaults for one of Keras's string names.
  /// Equivalent to `keras.losses.get(name)`.
  public static func named(_ name: String) throws -> Loss {
    switch name.lowercased() {
    case "sparse_categorical_crossentropy": return SparseCategoricalCrossentropy()
    case "categorical_crossentropy": return CategoricalCrossentropy()
    case "binary_crossentropy": return BinaryCrossentropy()
    case "mean_squared_error", "mse": return MeanSquaredError()
    default:
      throw PlexusError.invalidArgument(
        context: "Loss.named",
        message: "unknown loss '\(name)'; known names: \(knownNames.joined(separator: ", "))")
    }
  }
}

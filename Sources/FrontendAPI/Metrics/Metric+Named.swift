extension Metric {
  /// The names ``named(_:for:)`` accepts.
  public static let knownNames = [
    "accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy",
    "mean",
  ]

  /// A new metric for a Keras metric name. `"accuracy"` (or `"acc"`) resolves through `loss`
  /// the way Keras's `compile` does — sparse categorical cross-entropy gives
  /// ``SparseCategoricalAccuracy``, categorical cross-entropy ``CategoricalAccuracy``, binary
  /// cross-entropy ``BinaryAccuracy``, anything else ``Accuracy`` — and keeps the name it was
  /// asked by, as Keras's logs do. Equivalent to `keras.metrics.get(name)` plus `compile`'s
  /// resolution of `"accuracy"`.
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
    default:
      throw PlexusError.invalidArgument(
        context: "Metric.named",
        message: "unknown metric '\(name)'; known names: \(knownNames.joined(separator: ", "))")
    }
  }
}

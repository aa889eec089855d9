/// The F1 score, the harmonic mean of precision and recall, per class or averaged:
/// `2 · precision · recall / (precision + recall)`: the ``FBetaScore`` with β = 1, whose
/// documentation says how predictions, labels and `average` are read.
///
/// ```swift
/// try model.compile(optimizer: "adam", loss: "categorical_crossentropy",
///                   metrics: [F1Score(average: .macro, threshold: 0.5)])
/// ```
/// Equivalent to `keras.metrics.F1Score`.
public final class F1Score: FBetaScore {
  /// Creates the metric. A `threshold` outside `(0, 1]` throws at the first update, and from a
  /// config at once.
  public init(average: Average? = nil, threshold: Double? = nil, name: String = "f1_score") {
    super.init(average: average, beta: 1, threshold: threshold, name: name)
  }

  /// `name`, `dtype`, `average` and `threshold`: Keras's F1Score writes no `beta`.
  public override var config: [String: ConfigValue] {
    var config = super.config
    config.removeValue(forKey: "beta")
    return config
  }
}

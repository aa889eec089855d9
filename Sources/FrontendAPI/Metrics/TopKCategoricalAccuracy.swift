/// How often the one-hot target's class is among the `k` highest-scoring predicted classes.
///
/// The target class is the argmax of `yTrue` (the first, on ties). It counts as a hit when
/// fewer than `k` scores are strictly greater than its own, so ties at the edge of the top `k`
/// are hits (`in_top_k` on the JAX backend); a NaN score for the target class is never a hit.
///
/// - `yTrue`, `yPred`: `(batch, ..., classes)`, the same shape. One value per sample
///   `(batch, ...)`; a rank-1 pair is one sample.
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.TopKCategoricalAccuracy`.
public final class TopKCategoricalAccuracy: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// How many of the highest scores count as a hit (`k < 1` never hits).
  public let k: Int

  /// Creates the metric.
  public init(k: Int = 5, name: String = "top_k_categorical_accuracy") {
    self.k = k
    super.init(name: name)
  }

  /// `name`, `dtype` and `k`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["k": .int(k)]) { $1 }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    guard yPred.rank >= 1, yTrue.shape == yPred.shape else {
      throw PlexusError.shapeMismatch(
        context: errorContext,
        expected: "one-hot labels of the predictions' shape \(yPred.shape), with a class axis",
        received: "labels of shape \(yTrue.shape)")
    }
    let truth = try Self.hostValues(yTrue)
    let scores = try Self.hostValues(yPred)
    let classes = yPred.shape[yPred.rank - 1]
    let samples = Shape(Array(yPred.shape.dims.dropLast()))
    var hits = [Double](repeating: 0, count: samples.elementCount)
    if classes > 0 {
      for sample in hits.indices {
        let row = (sample * classes)..<((sample + 1) * classes)
        hits[sample] = Self.isHit(label: Self.argmax(truth[row]), scores: scores[row], k: k) ? 1 : 0
      }
    }
    try accumulate(hits, shape: samples, sampleWeight: sampleWeight)
  }

  /// Whether fewer than `k` of `scores` are strictly greater than the score at `label` (an
  /// index of `scores`, whose own indices may start anywhere); a NaN own score never is.
  static func isHit(label: Int, scores: ArraySlice<Double>, k: Int) -> Bool {
    let own = scores[label]
    let target = own.isNaN ? -Double.infinity : own
    let above = scores.reduce(0) { $0 + ($1 > target ? 1 : 0) }
    return above < k
  }
}

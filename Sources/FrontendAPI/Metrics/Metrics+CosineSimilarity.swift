extension Metrics {
  /// The running mean of the cosine similarity between targets and predictions along `axis`,
  /// `sum(l2normalize(yTrue) · l2normalize(yPred), axis)`: 1 for the same direction, -1 for
  /// opposite ones.
  ///
  /// - `yTrue`, `yPred`: what ``CosineSimilarity`` (the loss, which is its negative) takes.
  ///
  /// Equivalent to `keras.metrics.CosineSimilarity` (the loss is ``CosineSimilarity``).
  /// Keras's `get_config` leaves `axis` out; Plexus writes it when it is not the default -1.
  public final class CosineSimilarity: Metric {
    /// A mask on the predictions weighs each update, as Keras's.
    public override var weighsByPredictionMask: Bool { true }

    /// The axis the vectors lie along (negative counts from the end).
    public let axis: Int
    private let loss: Plexus.CosineSimilarity

    /// Creates the metric.
    public init(name: String = "cosine_similarity", axis: Int = -1) {
      self.axis = axis
      loss = Plexus.CosineSimilarity(axis: axis)
      super.init(name: name)
    }

    /// Adds one batch: each sample's similarity, weighted by `sampleWeight` when given.
    public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
      throws
    {
      let predicted = yPred.dtype == .bfloat16 ? try Ops.cast(yPred, to: .float32) : yPred
      let values = try loss.call(yTrue, predicted)
      try accumulate(
        try values.floats().map { -Double($0) }, shape: values.shape, sampleWeight: sampleWeight)
    }

    /// `name` and `dtype`, and `axis` when it is not -1.
    public override var config: [String: ConfigValue] {
      axis == -1 ? super.config : super.config.merging(["axis": .int(axis)]) { $1 }
    }
  }
}

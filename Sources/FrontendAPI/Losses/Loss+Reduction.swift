extension Loss {
  /// How a loss combines per-sample values, under Keras's names.
  public enum Reduction: String, Sendable, Codable, CaseIterable {
    /// The sum divided by the number of per-sample values (the default; `"sum_over_batch_size"`).
    case sumOverBatchSize = "sum_over_batch_size"
    /// The sum (`"sum"`).
    case sum
    /// No reduction: the per-sample values (`"none"`; Keras's `None` too).
    case none
    /// The mean of the per-sample values (`"mean"`): as `sumOverBatchSize`.
    case mean
    /// The weighted sum divided by the sum of the weights (`"mean_with_sample_weight"`): a
    /// weighted mean; without weights, the mean.
    case meanWithSampleWeight = "mean_with_sample_weight"
  }
}

/// Cross-entropy between integer class labels and predicted class scores.
///
/// `loss = -log(p[label])` per sample, where `p` is `softmax(yPred)` when `fromLogits`, else
/// `yPred` normalised to sum to 1 and clipped to `[1e-7, 1 - 1e-7]`.
///
/// - `yTrue`: integer labels (`int32`, `int64` or `uint8`) of shape `(batch, ...)`, or with a
///   trailing axis of 1.
/// - `yPred`: scores of shape `(batch, ..., classes)`.
/// - Per-sample result: `(batch, ...)`.
///
/// The logits path is one fused node on the tape: its gradient is `softmax(yPred) - onehot`.
/// Equivalent to `keras.losses.SparseCategoricalCrossentropy`.
public final class SparseCategoricalCrossentropy: Loss {
  /// Whether `yPred` holds logits rather than probabilities.
  public let fromLogits: Bool

  /// Creates the loss.
  public init(
    fromLogits: Bool = false, reduction: Reduction = .sumOverBatchSize,
    name: String = "sparse_categorical_crossentropy"
  ) {
    self.fromLogits = fromLogits
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample cross-entropies.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    let labels = try checkedLabels(yTrue, yPred)
    let classes = yPred.shape[yPred.rank - 1]
    if fromLogits {
      // One fused kernel forward and one backward where a backend has them, else the
      // composite; either way a bad label is an error where the labels are used.
      do {
        return try Ops.sparseSoftmaxCrossEntropy(logits: yPred, labels: labels)
      } catch PlexusError.indexOutOfRange(_, let label, _) {
        throw labelError(label, classes: classes)
      }
    }
    let hits = try oneHot(labels, classes: classes)
    let zero = try Tensor.scalar(0, dtype: yPred.dtype)
    let total = try Ops.sum(yPred, axes: [-1], keepDims: true)
    let logProbabilities = try Ops.log(clippedProbabilities(Ops.divide(yPred, total)))
    return try Ops.negative(Ops.sum(Ops.where(hits, logProbabilities, zero), axes: [-1]))
  }

  /// Validates dtypes and shapes; returns the labels without a trailing axis of 1.
  private func checkedLabels(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred, minimumRank: 1)
    guard yTrue.dtype.isInteger else {
      throw PlexusError.dtypeMismatch(
        context: errorContext, expected: "integer class labels (int32, int64 or uint8)",
        received: "\(yTrue.dtype) labels of shape \(yTrue.shape)")
    }
    let expected = Shape(Array(yPred.shape.dims.dropLast()))
    if yTrue.shape == expected { return try widened(yTrue) }
    if yTrue.shape == Shape(expected.dims + [1]) {
      return try widened(Ops.reshape(yTrue, expected))
    }
    throw PlexusError.shapeMismatch(
      context: errorContext,
      expected: "labels of shape \(expected) or \(Shape(expected.dims + [1])) for predictions "
        + "of shape \(yPred.shape)",
      received: "labels of shape \(yTrue.shape)")
  }

  /// `int32` labels (uint8 ones widened); their range is checked where they are one-hot encoded.
  private func widened(_ labels: Tensor) throws -> Tensor {
    labels.dtype == .uint8 ? try Ops.cast(labels, to: .int32) : labels
  }

  /// The labels one-hot as `bool`. The one-hot kernel rejects a label outside `0..<classes`
  /// (which would otherwise select nothing and silently contribute no loss) where it runs, so
  /// the labels are never read back to the host.
  private func oneHot(_ labels: Tensor, classes: Int) throws -> Tensor {
    do {
      return try Ops.oneHot(labels, depth: classes, dtype: .bool)
    } catch PlexusError.indexOutOfRange(_, let label, _) {
      throw labelError(label, classes: classes)
    }
  }

  /// Every label in `0..<classes`, checked on the host in one pass (`fit` runs it once).
  public override func validateTargets(_ yTrue: Tensor, predictionShape: Shape) throws {
    guard yTrue.dtype.isInteger, let classes = predictionShape.dims.last, classes >= 0 else {
      return  // the dtype and shape errors come from the first step, with the batch's shapes
    }
    // Read on the host, with no op: this runs before the model's backend is in scope.
    let labels: [Int64] =
      switch yTrue.dtype {
      case .int32: try yTrue.scalars(Int32.self).map(Int64.init)
      case .int64: try yTrue.scalars(Int64.self)
      case .uint8: try yTrue.scalars(UInt8.self).map(Int64.init)
      default: []
      }
    if let label = labels.first(where: { $0 < 0 || $0 >= Int64(classes) }) {
      throw labelError(Int(label), classes: classes)
    }
  }

  private func labelError(_ label: Int, classes: Int) -> PlexusError {
    .invalidArgument(
      context: errorContext,
      message: "label \(label) is outside the valid range [0, \(classes)) of the predictions' "
        + "\(classes) classes")
  }

  /// The settings under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging(["from_logits": .bool(fromLogits), "ignore_class": .null]) { $1 }
  }
}

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
/// With `ignoreClass`, labels equal to it (a segmentation map's "void", often 255 or -1) add
/// nothing: their losses are 0 and masked, so a `sumOverBatchSize` reduction averages over the
/// other labels only, as Keras's does.
///
/// The logits path is one fused node on the tape: its gradient is `softmax(yPred) - onehot`.
/// Equivalent to `keras.losses.SparseCategoricalCrossentropy`.
public final class SparseCategoricalCrossentropy: Loss {
  /// Whether `yPred` holds logits rather than probabilities.
  public let fromLogits: Bool
  /// A label value that adds no loss (and is not counted in the mean), or nil.
  public let ignoreClass: Int?

  /// Creates the loss.
  public init(
    fromLogits: Bool = false, ignoreClass: Int? = nil, reduction: Reduction = .sumOverBatchSize,
    name: String = "sparse_categorical_crossentropy"
  ) {
    self.fromLogits = fromLogits
    self.ignoreClass = ignoreClass
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample cross-entropies; with ``ignoreClass``, 0 for ignored labels and masked
  /// (``Tensor/mask``) so that the reduction leaves them out.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    let labels = try checkedLabels(yTrue, yPred)
    // A class no label of this dtype can hold ignores nothing (int32 labels and Int.max).
    guard let ignoreClass, labels.dtype == .int64 || Int32(exactly: ignoreClass) != nil else {
      return try crossEntropy(labels, yPred)
    }
    // Keras's way: ignored labels become class 0 and their scores a constant (0 for logits, as
    // Keras; 1 for probabilities, whose normalisation would divide 0 by 0), then their losses
    // 0. Selections, not products, so nothing of an ignored row reaches the gradient.
    // Made exactly in the labels' dtype (a Double would round classes past 2^53).
    let ignored = labels.dtype == .int64 ? Tensor(Int64(ignoreClass)) : Tensor(Int32(ignoreClass))
    let valid = try Ops.notEqual(labels, ignored)
    let kept = try Ops.where(valid, labels, Tensor.scalar(0, dtype: labels.dtype))
    let scores = try Ops.where(
      Ops.reshape(valid, Shape(valid.shape.dims + [1])), yPred,
      Tensor.scalar(fromLogits ? 0 : 1, dtype: yPred.dtype))
    let losses = try Ops.where(
      valid, crossEntropy(kept, scores), Tensor.scalar(0, dtype: yPred.dtype))
    return losses.withMask(valid)
  }

  /// `-log(p[label])` per sample, of labels in `0..<classes`.
  private func crossEntropy(_ labels: Tensor, _ yPred: Tensor) throws -> Tensor {
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
    let ignored = ignoreClass.map(Int64.init)
    if let label = labels.first(where: { ($0 < 0 || $0 >= Int64(classes)) && $0 != ignored }) {
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
    super.config.merging([
      "from_logits": .bool(fromLogits), "ignore_class": ignoreClass.map(ConfigValue.int) ?? .null,
    ]) { $1 }
  }
}

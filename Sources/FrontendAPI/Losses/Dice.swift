/// One minus the Dice coefficient (the F1 score of soft masks), the usual loss of
/// segmentation: `1 - 2·Σ(y·p) / (Σy + Σp + 1e-7)`, summed over `axis`.
///
/// With `axis` nil (Keras's default) the sums run over every element, so the batch has one
/// value; with axes (`[1, 2]` for `(batch, height, width)` masks) each sample has its own.
///
/// - `yTrue`, `yPred`: the same shape (targets lacking the predictions' trailing axis of 1
///   are accepted).
///
/// Equivalent to `keras.losses.Dice`.
public final class Dice: Loss {
  /// The axes summed over (negative count from the end); nil for every axis.
  public let axis: [Int]?

  /// Creates the loss.
  public init(axis: [Int]? = nil, reduction: Reduction = .sumOverBatchSize, name: String = "dice") {
    self.axis = axis
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample (or whole-batch) Dice losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let y = try matchedTargets(yTrue, yPred)
    let axes = try overlapAxes(axis, rank: yPred.rank)
    let dtype = yPred.dtype
    let intersection = try Ops.sum(Ops.multiply(y, yPred), axes: axes)
    let denominator = try Ops.add(
      Ops.add(Ops.sum(y, axes: axes), Ops.sum(yPred, axes: axes)),
      Tensor.scalar(1e-7, dtype: dtype))
    let dice = try Ops.divide(
      Ops.multiply(Tensor.scalar(2, dtype: dtype), intersection), denominator)
    return try Ops.subtract(Tensor.scalar(1, dtype: dtype), dice)
  }

  /// `name`, `reduction` and `axis` (null, an integer, or a list of them).
  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": Self.axisValue(axis)]) { $1 }
  }
}

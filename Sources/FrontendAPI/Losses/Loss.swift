/// The base of every loss: ``call(_:_:)`` computes one loss per sample and
/// ``callAsFunction(_:_:sampleWeight:)`` weights and reduces them.
///
/// ```swift
/// let loss = SparseCategoricalCrossentropy(fromLogits: true)
/// let value = try loss(labels, logits)  // a scalar: the mean over the batch
/// ```
///
/// Not `Sendable`, like layers: subclasses may keep settings of their own and need no
/// annotation. Equivalent to `keras.losses.Loss`.
open class Loss {
  /// The name shown in logs and configs (`"sparse_categorical_crossentropy"`).
  public let name: String
  /// How per-sample losses are combined.
  public var reduction: Reduction

  /// Creates a loss with a name and a reduction.
  public init(name: String, reduction: Reduction = .sumOverBatchSize) {
    self.name = name
    self.reduction = reduction
  }

  /// The per-sample losses (the predictions' shape without its last axis, for most losses).
  open func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "\(type(of: self)).call", message: "a Loss subclass must override call(_:_:)")
  }

  /// Throws unless every setting is in its range; runs at `compile`. A subclass with settings
  /// of its own overrides it and calls `super`.
  open func validateHyperparameters() throws {}

  /// Checks a whole target tensor against predictions of `predictionShape` (its first axis the
  /// batch, any size) before training starts, so that a bad label fails `fit` before its first
  /// step instead of part-way through an epoch. The default checks nothing; losses with
  /// constraints on the targets' values override it.
  open func validateTargets(_ yTrue: Tensor, predictionShape: Shape) throws {}

  /// The settings under their Keras names, as `get_config()` returns them.
  open var config: [String: ConfigValue] {
    ["name": .string(name), "reduction": .string(reduction.rawValue)]
  }

  /// The loss of a batch: per-sample losses from ``call(_:_:)``, multiplied by `sampleWeight`
  /// when given (one weight per sample, or per element), then reduced as ``reduction`` says.
  /// When `yPred` carries a mask (``Tensor/mask``: a sequence from a masked layer), or the
  /// per-sample losses do (labels a ``SparseCategoricalCrossentropy/ignoreClass`` ignores),
  /// masked steps weigh 0 and, for `sumOverBatchSize`, the mean is over the kept steps, as
  /// Keras's `apply_mask`; both masks keep what both keep. Equivalent to
  /// `loss(y_true, y_pred, sample_weight=...)`.
  public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws -> Tensor
  {
    let inputMask = yPred.mask
    // Losses compute in float32 (Keras's loss dtype), whatever the layers computed in.
    let yPred = yPred.dtype == .bfloat16 ? try Ops.cast(yPred, to: .float32) : yPred
    let yTrue = yTrue.dtype == .bfloat16 ? try Ops.cast(yTrue, to: .float32) : yTrue
    var values = try call(yTrue, yPred)
    var weight = sampleWeight
    // A mask on the losses themselves (ignored labels) joins the predictions' mask, as in
    // Keras's `Loss.__call__`.
    let mask = try Self.joined(inputMask, values.mask)
    if let mask {
      weight = try maskWeight(mask, sampleWeight: sampleWeight, dtype: values.dtype)
    }
    var alignedWeight: Tensor?
    if let weight {
      alignedWeight = try aligned(weight, to: values)
      values = try Ops.multiply(values, alignedWeight ?? weight)
    }
    switch reduction {
    case .none:
      return values
    case .sum:
      return try Ops.sum(values)
    case .sumOverBatchSize, .mean:
      return try Ops.mean(values)
    case .meanWithSampleWeight:
      guard let alignedWeight else { return try Ops.mean(values) }
      // Keras: divide_no_nan(sum(weighted values), sum(weights)), the weights summed as
      // aligned (before broadcasting).
      let total = try Ops.sum(alignedWeight)
      let zero = try Tensor.scalar(0, dtype: total.dtype)
      let safe = try Ops.where(Ops.equal(total, zero), Tensor.scalar(1, dtype: total.dtype), total)
      return try Ops.where(Ops.equal(total, zero), zero, Ops.divide(Ops.sum(values), safe))
    }
  }

  /// Both masks when both are present (kept where both keep), else the one present.
  private static func joined(_ first: Tensor?, _ second: Tensor?) throws -> Tensor? {
    guard let first, let second else { return first ?? second }
    return try Ops.logicalAnd(Ops.cast(first, to: .bool), Ops.cast(second, to: .bool))
  }

  /// Keras's `apply_mask`: the mask as weights (kept steps `total / kept` for
  /// `sumOverBatchSize` and `mean`, so the mean is over the kept ones; else 1), times `sampleWeight`.
  private func maskWeight(_ mask: Tensor, sampleWeight: Tensor?, dtype: DType) throws -> Tensor {
    let kept = try Ops.cast(mask, to: .bool)
    let weight: Tensor
    if reduction == .sumOverBatchSize || reduction == .mean {
      let total = try Tensor.scalar(Double(mask.count), dtype: dtype)
      let valid = try Ops.sum(Ops.cast(kept, to: dtype))
      // divide_no_nan: with nothing kept every weight is 0 whatever the ratio.
      let ratio = try Ops.divide(total, Ops.maximum(valid, Tensor.scalar(1, dtype: dtype)))
      weight = try Ops.where(kept, ratio, Tensor.scalar(0, dtype: dtype))
    } else {
      weight = try Ops.cast(kept, to: dtype)
    }
    guard let sampleWeight else { return weight }
    var sample = try Ops.cast(sampleWeight, to: dtype)
    if sample.rank + 1 == weight.rank { sample = try Self.withTrailingAxis(sample) }
    return try Ops.multiply(weight, sample)
  }

  /// `weight` cast to `values`' dtype, with a trailing axis of 1 added or removed so that it
  /// broadcasts against `values` the way Keras's `squeeze_or_expand_to_same_rank` arranges.
  private func aligned(_ weight: Tensor, to values: Tensor) throws -> Tensor {
    var weight = try Ops.cast(weight, to: values.dtype)
    if weight.rank == values.rank + 1, weight.shape.last == 1 {
      weight = try Ops.squeeze(weight, axes: [-1])
    } else if values.rank == weight.rank + 1 {
      weight = try Self.withTrailingAxis(weight)
    }
    if weight.rank == values.rank + 1 {
      // Per-element weights for a loss that averaged over the last axis: Keras then weights the
      // per-sample values by the mean weight.
      weight = try Ops.mean(weight, axes: [-1])
    }
    guard Shape.broadcast(values.shape, weight.shape) == values.shape else {
      throw PlexusError.shapeMismatch(
        context: "\(type(of: self)) sample_weight",
        expected: "one weight per sample, broadcastable to the per-sample losses \(values.shape)",
        received: "\(weight.shape)")
    }
    return weight
  }
}

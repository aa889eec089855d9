extension Loss {
  /// The name errors use: the Keras class name (`"CategoricalCrossentropy"`).
  var errorContext: String { "\(type(of: self))" }

  /// Checks that predictions are floating point and have at least `minimumRank` axes.
  func checkPredictions(_ yPred: Tensor, minimumRank: Int = 0) throws {
    guard yPred.dtype.isFloatingPoint else {
      throw PlexusError.dtypeMismatch(
        context: errorContext, expected: "floating-point predictions (float32 or float64)",
        received: "\(yPred.dtype) predictions of shape \(yPred.shape)")
    }
    guard yPred.rank >= minimumRank else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "predictions with at least \(minimumRank) axis",
        received: "predictions of shape \(yPred.shape)")
    }
  }

  /// Targets cast to the predictions' dtype and shape. As Keras does, targets that lack the
  /// predictions' trailing axis of 1 gain it; any other difference throws.
  func matchedTargets(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    var targets = yTrue
    if targets.shape != yPred.shape, yPred.rank == targets.rank + 1, yPred.shape.last == 1 {
      targets = try Self.withTrailingAxis(targets)
    }
    guard targets.shape == yPred.shape else {
      throw PlexusError.shapeMismatch(
        context: errorContext,
        expected: "labels of the predictions' shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    return try Ops.cast(targets, to: yPred.dtype)
  }

  /// Keras's label smoothing: `targets · (1 - amount) + amount / classes`.
  func smoothed(_ targets: Tensor, _ amount: Double, classes: Int) throws -> Tensor {
    try checkLabelSmoothing(amount)
    guard amount != 0 else { return targets }
    return try Ops.add(
      Ops.multiply(targets, Tensor.scalar(1 - amount, dtype: targets.dtype)),
      Tensor.scalar(amount / Double(max(classes, 1)), dtype: targets.dtype))
  }

  /// Throws unless `amount` is a label smoothing in `[0, 1]` (NaN included).
  func checkLabelSmoothing(_ amount: Double) throws {
    guard (0...1).contains(amount) else {
      throw PlexusError.invalidArgument(
        context: errorContext, message: "labelSmoothing must be in [0, 1], received \(amount)")
    }
  }

  /// The mean over the last axis (Keras reduces elementwise losses this way per sample).
  func meanOverLastAxis(_ values: Tensor) throws -> Tensor {
    guard values.rank > 0 else { return values }
    return try Ops.mean(values, axes: [-1])
  }

  /// `-(y·log(p) + (1 - y)·log(1 - p))` elementwise, `p` clipped first: Keras's
  /// `binary_crossentropy` of probabilities (``BinaryCrossentropy``, the focal loss).
  func binaryCrossEntropy(_ y: Tensor, probabilities: Tensor) throws -> Tensor {
    let p = try clippedProbabilities(probabilities)
    let one = try Tensor.scalar(1, dtype: probabilities.dtype)
    let positive = try Ops.multiply(y, Ops.log(p))
    let negative = try Ops.multiply(Ops.subtract(one, y), Ops.log(Ops.subtract(one, p)))
    return try Ops.negative(Ops.add(positive, negative))
  }

  /// Probabilities clipped to `[1e-7, 1 - 1e-7]`, as Keras's `epsilon()` clipping does.
  func clippedProbabilities(_ p: Tensor) throws -> Tensor {
    try Ops.clip(p, min: 1e-7, max: 1 - 1e-7)
  }
}

extension Loss {
  /// `tensor` with a trailing axis of 1 (a reshape, no copy).
  static func withTrailingAxis(_ tensor: Tensor) throws -> Tensor {
    try Ops.reshape(tensor, Shape(tensor.shape.dims + [1]))
  }
}

extension Loss {
  /// Throws unless every setting is a finite number (the focal losses' `alpha` and `gamma`,
  /// Tversky's `alpha` and `beta`), naming them all.
  func checkFinite(_ settings: KeyValuePairs<String, Double>) throws {
    guard settings.allSatisfy({ $0.value.isFinite }) else {
      throw PlexusError.invalidArgument(
        context: errorContext,
        message: settings.map(\.key).joined(separator: " and ") + " must be finite numbers, "
          + "received " + settings.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
  }
}

extension Loss {
  /// The axes the overlap losses (``Dice``, ``Tversky``) sum over, each within `rank` and
  /// none twice; nil for every axis.
  func overlapAxes(_ axis: [Int]?, rank: Int) throws -> [Int]? {
    guard let axis else { return nil }
    let resolved = axis.map { Shape.normalize(axis: $0, rank: rank) }
    guard !axis.isEmpty, case let axes = resolved.compactMap({ $0 }), axes.count == axis.count,
      Set(axes).count == axes.count
    else {
      throw PlexusError.invalidArgument(
        context: errorContext,
        message: "axis must be null or distinct axes in -\(rank)..<\(rank) for predictions of "
          + "rank \(rank), received \(axis)")
    }
    return axes
  }

  /// `axis` as Keras writes it: null, one integer, or a list.
  static func axisValue(_ axis: [Int]?) -> ConfigValue {
    guard let axis else { return .null }
    return axis.count == 1 ? .int(axis[0]) : .array(axis.map(ConfigValue.int))
  }
}

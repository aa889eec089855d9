/// Normalizes each feature of `axis` over the batch (and every other axis), then scales and
/// shifts it:
///
///     y = gamma · (x - mean) / sqrt(variance + epsilon) + beta
///
/// In training (`training: true` on a trainable layer) `mean` and `variance` are the batch's
/// (the variance biased), and the moving statistics follow them:
/// `moving = moving·momentum + batch·(1 - momentum)`. Otherwise, and always once `trainable` is
/// false (as in Keras 3, so a frozen layer stays in inference mode under `fit`), the moving
/// statistics are used.
///
/// ```swift
/// let bn = BatchNormalization()
/// let y = try bn(x, training: true)   // x: (batch, 28, 28, 32), normalized per channel
/// ```
/// Input and output of any shape; `gamma`, `beta`, `movingMean` and `movingVariance` are
/// `(x.shape[axis])`, the last two non-trainable. With the features last (the default), one
/// kernel of the normalization family where the backend has it, else primitive ops; the tape
/// differentiates through the batch statistics either way.
/// Equivalent to `keras.layers.BatchNormalization`.
public final class BatchNormalization: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// Statistics in float32 under any policy (the output takes the policy's dtype).
  override var computesInFloat32: Bool { true }

  /// The feature axis (-1: the last, channels-last).
  public let axis: Int
  /// How much of the moving statistics each training step keeps.
  public let momentum: Double
  /// Added to the variance before the square root.
  public let epsilon: Double
  /// Whether `beta` is added.
  public let center: Bool
  /// Whether `gamma` multiplies.
  public let scale: Bool
  /// Whether training under ``DataParallel`` normalizes with the statistics of the whole
  /// batch, summed across the processes (Keras's `synchronized`); else each process's own.
  public let synchronized: Bool
  /// How `beta` starts.
  public let betaInitializer: Initializer
  /// How `gamma` starts.
  public let gammaInitializer: Initializer
  /// How the moving mean starts.
  public let movingMeanInitializer: Initializer
  /// How the moving variance starts.
  public let movingVarianceInitializer: Initializer
  /// The penalty on `beta`, if any.
  public let betaRegularizer: (any Regularizer)?
  /// The penalty on `gamma`, if any.
  public let gammaRegularizer: (any Regularizer)?
  /// The projection applied to `beta` after each update, if any.
  public let betaConstraint: (any Constraint)?
  /// The projection applied to `gamma` after each update, if any.
  public let gammaConstraint: (any Constraint)?
  /// Keras's `renorm_momentum`, unused (renormalization is not supported) but written back.
  var renormMomentum = 0.99

  /// The scale, once built (nil without `scale`).
  public private(set) var gamma: Variable?
  /// The shift, once built (nil without `center`).
  public private(set) var beta: Variable?
  /// The moving mean, once built; not trainable.
  public private(set) var movingMean: Variable?
  /// The moving variance, once built; not trainable.
  public private(set) var movingVariance: Variable?
  /// `axis` resolved against the built input's rank.
  private var featureAxis = 0

  /// Creates the layer; weights are made at the first call.
  public init(
    axis: Int = -1, momentum: Double = 0.99, epsilon: Double = 1e-3, center: Bool = true,
    scale: Bool = true, betaInitializer: Initializer = .zeros,
    gammaInitializer: Initializer = .ones, movingMeanInitializer: Initializer = .zeros,
    movingVarianceInitializer: Initializer = .ones, betaRegularizer: (any Regularizer)? = nil,
    gammaRegularizer: (any Regularizer)? = nil, betaConstraint: (any Constraint)? = nil,
    gammaConstraint: (any Constraint)? = nil, synchronized: Bool = false, name: String? = nil
  ) {
    self.synchronized = synchronized
    self.axis = axis
    self.momentum = momentum
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.betaInitializer = betaInitializer
    self.gammaInitializer = gammaInitializer
    self.movingMeanInitializer = movingMeanInitializer
    self.movingVarianceInitializer = movingVarianceInitializer
    self.betaRegularizer = betaRegularizer
    self.gammaRegularizer = gammaRegularizer
    self.betaConstraint = betaConstraint
    self.gammaConstraint = gammaConstraint
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let buildShape, let movingMean else { return nil }
    return InputSpec(rank: buildShape.rank, axes: [featureAxis: movingMean.shape[0]])
  }

  /// Checks the settings; errors name the layer.
  func validate() throws {
    guard epsilon.isFinite, epsilon >= 0, momentum.isFinite else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "epsilon must be finite and ≥ 0 and momentum finite, received epsilon "
          + "\(epsilon) and momentum \(momentum)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try validate()
    guard let resolved = Shape.normalize(axis: axis, rank: inputShape.rank), resolved > 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "axis \(axis) is not a feature axis of an input of shape \(inputShape)")
    }
    let size = inputShape[resolved]
    guard size > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "a known size along axis \(axis)",
        received: "\(inputShape)")
    }
    featureAxis = resolved
    if scale {
      let gamma = try addWeight(name: "gamma", shape: [size], initializer: gammaInitializer)
      gamma.constraint = gammaConstraint
      self.gamma = gamma
    }
    if center {
      let beta = try addWeight(name: "beta", shape: [size], initializer: betaInitializer)
      beta.constraint = betaConstraint
      self.beta = beta
    }
    movingMean = try addWeight(
      name: "moving_mean", shape: [size], initializer: movingMeanInitializer, trainable: false)
    movingVariance = try addWeight(
      name: "moving_variance", shape: [size], initializer: movingVarianceInitializer,
      trainable: false)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let movingMean, let movingVariance else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    guard training && trainable else {
      // The normalization family's inference op when the features are last.
      return try Ops.batchNormalization(
        x, mean: movingMean.value, variance: movingVariance.value, axis: featureAxis,
        offset: beta?.value, scale: gamma?.value, epsilon: epsilon)
    }
    let output: Tensor
    let mean: Tensor
    let variance: Tensor
    let parameters = [gamma, beta].compactMap { $0 }
    if let mask = x.mask {
      (mean, variance) = try maskedMoments(x, mask)
      output = try Ops.batchNormalization(
        x, mean: mean, variance: variance, axis: featureAxis, offset: beta?.value,
        scale: gamma?.value, epsilon: epsilon)
    } else if synchronized, let parallel = DataParallel.active {
      (mean, variance) = try synchronizedMoments(x, parallel)
      output = try Ops.batchNormalization(
        x, mean: mean, variance: variance, axis: featureAxis, offset: beta?.value,
        scale: gamma?.value, epsilon: epsilon)
    } else if featureAxis == x.rank - 1, parameters.allSatisfy({ $0.dtype == x.dtype }) {
      // Features last: the normalization family, one kernel where a backend has it.
      (output, mean, variance) = try Ops.batchNormalizationTraining(
        x, offset: beta?.value, scale: gamma?.value, epsilon: epsilon)
    } else {
      (mean, variance) = try Ops.moments(x, axes: (0..<x.rank).filter { $0 != featureAxis })
      output = try Ops.batchNormalization(
        x, mean: mean, variance: variance, axis: featureAxis, offset: beta?.value,
        scale: gamma?.value, epsilon: epsilon)
    }
    let keep = try Tensor.scalar(momentum, dtype: x.dtype)
    let take = try Tensor.scalar(1 - momentum, dtype: x.dtype)
    for (moving, batch) in [(movingMean, mean), (movingVariance, variance)] {
      try moving.assign(
        Ops.add(Ops.multiply(moving.value, keep), Ops.multiply(Ops.stopGradient(batch), take)))
    }
    return output
  }

  /// Keras's `_moments` with a mask (`x`'s shape without the feature axis): the mean and biased
  /// variance over the kept steps only (sums over their count plus Keras's epsilon, 1e-7).
  private func maskedMoments(_ x: Tensor, _ mask: Tensor) throws -> (Tensor, Tensor) {
    guard mask.rank == x.rank - 1, featureAxis == x.rank - 1,
      mask.shape.dims == Array(x.shape.dims.dropLast())
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) mask",
        expected: "one dimension less than the input \(x.shape), features last",
        received: "\(mask.shape)")
    }
    let axes = Array(0..<(x.rank - 1))
    let kept = try Ops.expandDims(Ops.cast(mask, to: .bool), axis: -1)
    let zero = try Tensor.scalar(0, dtype: x.dtype)
    let small = try Tensor.scalar(1e-7, dtype: x.dtype)
    let weights = try Ops.sum(
      Ops.multiply(Ops.cast(kept, to: x.dtype), Ops.onesLike(x)), axes: axes, keepDims: true)
    let mean = try Ops.divide(
      Ops.sum(Ops.where(kept, x, zero), axes: axes, keepDims: true), Ops.add(weights, small))
    let difference = try Ops.where(kept, Ops.subtract(x, mean), zero)
    let variance = try Ops.divide(
      Ops.sum(Ops.square(difference), axes: axes, keepDims: true), Ops.add(weights, small))
    let features = [x.shape[x.rank - 1]]
    return (try Ops.reshape(mean, Shape(features)), try Ops.reshape(variance, Shape(features)))
  }

  /// The mean and biased variance of the whole batch, over every process's slice: per-feature
  /// sums of `x` and `x²` and the sample count, summed across the processes (a differentiable
  /// all-reduce), in float32 or wider.
  private func synchronizedMoments(_ x: Tensor, _ parallel: DataParallel) throws -> (
    Tensor, Tensor
  ) {
    let axes = (0..<x.rank).filter { $0 != featureAxis }
    let wide = x.dtype == .float64 ? x : try Ops.cast(x, to: .float32)
    let count = try Tensor.scalar(Double(axes.reduce(1) { $0 * x.shape[$1] }), dtype: wide.dtype)
    let sums = try parallel.allReduceSum([
      Ops.sum(wide, axes: axes), Ops.sum(Ops.square(wide), axes: axes), count,
    ])
    let mean = try Ops.divide(sums[0], sums[2])
    // E[x²] - E[x]² can round below zero where the variance is tiny against the mean.
    let variance = try Ops.maximum(
      Ops.subtract(Ops.divide(sums[1], sums[2]), Ops.square(mean)),
      Tensor.scalar(0, dtype: wide.dtype))
    return (try Ops.cast(mean, to: x.dtype), try Ops.cast(variance, to: x.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first else { return [] }
    return shape
  }

  /// Keras's BatchNormalization config (without renormalization, which Plexus does not
  /// support).
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "axis": .int(axis), "momentum": .double(momentum), "epsilon": .double(epsilon),
      "center": .bool(center), "scale": .bool(scale),
      "beta_initializer": betaInitializer.serialized.value,
      "gamma_initializer": gammaInitializer.serialized.value,
      "moving_mean_initializer": movingMeanInitializer.serialized.value,
      "moving_variance_initializer": movingVarianceInitializer.serialized.value,
      "beta_regularizer": .optional(betaRegularizer?.serialized.value),
      "gamma_regularizer": .optional(gammaRegularizer?.serialized.value),
      "beta_constraint": .optional(betaConstraint?.serialized.value),
      "gamma_constraint": .optional(gammaConstraint?.serialized.value),
      "synchronized": .bool(synchronized), "renorm": false, "renorm_clipping": .null,
      "renorm_momentum": .double(renormMomentum),
    ]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let renorm = "Plexus's BatchNormalization has no batch renormalization"
    try config.requireDefault("renorm", false, reason: renorm)
    try config.requireDefault("renorm_clipping", .null, reason: renorm)
    let layer = BatchNormalization(
      axis: try config.optionalInt("axis", default: -1) ?? -1,
      momentum: try config.double("momentum", default: 0.99),
      epsilon: try config.double("epsilon", default: 1e-3),
      center: try config.bool("center", default: true),
      scale: try config.bool("scale", default: true),
      betaInitializer: try config.initializer("beta_initializer", default: .zeros),
      gammaInitializer: try config.initializer("gamma_initializer", default: .ones),
      movingMeanInitializer: try config.initializer("moving_mean_initializer", default: .zeros),
      movingVarianceInitializer: try config.initializer(
        "moving_variance_initializer", default: .ones),
      betaRegularizer: try config.regularizer("beta_regularizer"),
      gammaRegularizer: try config.regularizer("gamma_regularizer"),
      betaConstraint: try config.constraint("beta_constraint"),
      gammaConstraint: try config.constraint("gamma_constraint"),
      synchronized: try config.bool("synchronized", default: false), name: settings.name)
    layer.renormMomentum = try config.double("renorm_momentum", default: 0.99)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

extension BatchNormalization: RegularizedLayer {
  /// The `gamma` and `beta` penalties.
  public var regularizationLosses: [Tensor] {
    get throws { try penalties([(gammaRegularizer, gamma), (betaRegularizer, beta)]) }
  }
}

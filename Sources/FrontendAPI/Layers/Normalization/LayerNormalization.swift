/// Normalizes each example over `axis` (the features), then scales and shifts:
///
///     y = gamma · (x - mean) / sqrt(variance + epsilon) + beta
///
/// with `mean` and the biased `variance` taken over the axes in `axis` of each example alone,
/// so training and inference compute the same thing.
///
/// ```swift
/// let norm = LayerNormalization()
/// let y = try norm(x)   // x: (batch, steps, features), each (batch, step) row normalized
/// ```
/// Input and output of any shape; `gamma` and `beta` have the sizes of the axes in `axis`.
/// When those are the last axes (the default: the last one), one kernel of the normalization
/// family where the backend has it, else primitive ops; the tape differentiates through the
/// statistics either way.
/// Equivalent to `keras.layers.LayerNormalization`.
public final class LayerNormalization: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// Statistics in float32 under any policy (the output takes the policy's dtype).
  override var computesInFloat32: Bool { true }

  /// The axes normalized over (-1: the last).
  public let axis: [Int]
  /// Added to the variance before the square root.
  public let epsilon: Double
  /// Whether `beta` is added.
  public let center: Bool
  /// Whether `gamma` multiplies.
  public let scale: Bool
  /// How `beta` starts.
  public let betaInitializer: Initializer
  /// How `gamma` starts.
  public let gammaInitializer: Initializer
  /// The penalty on `beta`, if any.
  public let betaRegularizer: (any Regularizer)?
  /// The penalty on `gamma`, if any.
  public let gammaRegularizer: (any Regularizer)?
  /// The projection applied to `beta` after each update, if any.
  public let betaConstraint: (any Constraint)?
  /// The projection applied to `gamma` after each update, if any.
  public let gammaConstraint: (any Constraint)?
  /// Whether an unbuilt config writes `axis` as a list (Keras writes it as given until built,
  /// then as a sorted list).
  var writesAxisAsList: Bool

  /// The scale, once built (nil without `scale`).
  public private(set) var gamma: Variable?
  /// The shift, once built (nil without `center`).
  public private(set) var beta: Variable?
  /// `axis` resolved against the built input's rank, sorted.
  private var featureAxes: [Int] = []

  /// Creates the layer; weights are made at the first call.
  public init(
    axis: [Int] = [-1], epsilon: Double = 1e-3, center: Bool = true, scale: Bool = true,
    betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
    betaRegularizer: (any Regularizer)? = nil, gammaRegularizer: (any Regularizer)? = nil,
    betaConstraint: (any Constraint)? = nil, gammaConstraint: (any Constraint)? = nil,
    name: String? = nil
  ) {
    self.axis = axis
    self.writesAxisAsList = axis.count != 1
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.betaInitializer = betaInitializer
    self.gammaInitializer = gammaInitializer
    self.betaRegularizer = betaRegularizer
    self.gammaRegularizer = gammaRegularizer
    self.betaConstraint = betaConstraint
    self.gammaConstraint = gammaConstraint
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let buildShape, built else { return nil }
    var axes: [Int: Int] = [:]
    for axis in featureAxes where buildShape[axis] > 0 { axes[axis] = buildShape[axis] }
    return InputSpec(rank: buildShape.rank, axes: axes)
  }

  public override func build(inputShape: Shape) throws {
    guard epsilon.isFinite, epsilon >= 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "epsilon must be finite and ≥ 0, received \(epsilon)"
      )
    }
    let resolved = axis.compactMap { Shape.normalize(axis: $0, rank: inputShape.rank) }.sorted()
    guard !axis.isEmpty, resolved.count == axis.count, Set(resolved).count == resolved.count,
      !resolved.contains(0)
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "axis \(axis) must name distinct feature axes of an input of shape \(inputShape)")
    }
    let sizes = resolved.map { inputShape[$0] }
    guard sizes.allSatisfy({ $0 > 0 }) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "known sizes along axis \(axis)",
        received: "\(inputShape)")
    }
    featureAxes = resolved
    if scale {
      let gamma = try addWeight(name: "gamma", shape: Shape(sizes), initializer: gammaInitializer)
      gamma.constraint = gammaConstraint
      self.gamma = gamma
    }
    if center {
      let beta = try addWeight(name: "beta", shape: Shape(sizes), initializer: betaInitializer)
      beta.constraint = betaConstraint
      self.beta = beta
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let parameters = [gamma, beta].compactMap { $0 }
    if let first = featureAxes.first, featureAxes == Array(first..<x.rank),
      parameters.allSatisfy({ $0.dtype == x.dtype })
    {
      // The normalized axes are the last ones: seen as one axis, they are the normalization
      // family's row, one kernel where a backend has it.
      let width = featureAxes.reduce(1) { $0 * x.shape[$1] }
      let rows = Shape(Array(x.shape.dims[..<first]) + [width])
      let flat = try Ops.layerNormalization(
        Ops.reshape(x, rows), gamma: gamma.map { try Ops.reshape($0.value, [width]) },
        beta: beta.map { try Ops.reshape($0.value, [width]) }, epsilon: epsilon)
      return try Ops.reshape(flat, x.shape)
    }
    let (mean, variance) = try Ops.moments(x, axes: featureAxes, keepDims: true)
    // gamma and beta hold the normalized axes in order; the others broadcast.
    var broadcast = [Int](repeating: 1, count: x.rank)
    for axis in featureAxes { broadcast[axis] = x.shape[axis] }
    let shape = Shape(broadcast)
    return try Ops.normalize(
      x, mean: mean, variance: variance, offset: beta.map { try Ops.reshape($0.value, shape) },
      scale: gamma.map { try Ops.reshape($0.value, shape) }, epsilon: epsilon)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  /// Keras's LayerNormalization config: `axis` as given until built, then as a sorted list,
  /// as Keras writes it.
  public override var config: [String: ConfigValue] {
    let axisValue: ConfigValue =
      built || writesAxisAsList ? .ints(built ? axis.sorted() : axis) : .int(axis[0])
    return super.config.merging([
      "axis": axisValue, "epsilon": .double(epsilon), "center": .bool(center),
      "scale": .bool(scale), "rms_scaling": false,
      "beta_initializer": betaInitializer.serialized.value,
      "gamma_initializer": gammaInitializer.serialized.value,
      "beta_regularizer": .optional(betaRegularizer?.serialized.value),
      "gamma_regularizer": .optional(gammaRegularizer?.serialized.value),
      "beta_constraint": .optional(betaConstraint?.serialized.value),
      "gamma_constraint": .optional(gammaConstraint?.serialized.value),
    ]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireDefault(
      "rms_scaling", false, reason: "Keras deprecates it; use a root-mean-square normalization")
    let raw = config.value("axis") ?? .int(-1)
    let entries = raw.arrayValue ?? [raw]
    let axis = entries.compactMap(\.intValue)
    guard !entries.isEmpty, axis.count == entries.count else {
      throw config.mismatch("axis", "an integer or a list of integers")
    }
    let layer = LayerNormalization(
      axis: axis, epsilon: try config.double("epsilon", default: 1e-3),
      center: try config.bool("center", default: true),
      scale: try config.bool("scale", default: true),
      betaInitializer: try config.initializer("beta_initializer", default: .zeros),
      gammaInitializer: try config.initializer("gamma_initializer", default: .ones),
      betaRegularizer: try config.regularizer("beta_regularizer"),
      gammaRegularizer: try config.regularizer("gamma_regularizer"),
      betaConstraint: try config.constraint("beta_constraint"),
      gammaConstraint: try config.constraint("gamma_constraint"), name: settings.name)
    layer.writesAxisAsList = raw.arrayValue != nil
    return try settings.finish(config, layer)
  }
}

extension LayerNormalization: RegularizedLayer {
  /// The `gamma` and `beta` penalties.
  public var regularizationLosses: [Tensor] {
    get throws { try penalties([(gammaRegularizer, gamma), (betaRegularizer, beta)]) }
  }
}

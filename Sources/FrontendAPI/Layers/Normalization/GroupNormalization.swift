/// Normalizes each sample over groups of channels (Wu & He, 2018): the `axis` channels are split
/// into `groups` groups, each normalized by its own mean and variance over the group's channels
/// and every other non-batch axis, then scaled by `gamma` and shifted by `beta` per channel.
/// `groups: -1` puts each channel in a group of its own (instance normalization); 1 is layer
/// normalization over everything.
///
/// ```swift
/// GroupNormalization(groups: 8)   // (batch, height, width, 32): 8 groups of 4 channels
/// ```
/// Equivalent to `keras.layers.GroupNormalization`.
public final class GroupNormalization: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  override var computesInFloat32: Bool { true }

  /// The groups (a divisor of the channels), or -1 for one per channel (resolved when built,
  /// as Keras's config then holds the channel count).
  public private(set) var groups: Int
  /// The channel axis; negative counts from the end.
  public let axis: Int
  public let epsilon: Double
  public let center: Bool
  public let scale: Bool
  public let betaInitializer: Initializer
  public let gammaInitializer: Initializer
  public let betaRegularizer: (any Regularizer)?
  public let gammaRegularizer: (any Regularizer)?
  public let betaConstraint: (any Constraint)?
  public let gammaConstraint: (any Constraint)?

  public private(set) var gamma: Variable?
  public private(set) var beta: Variable?

  /// Creates the layer with Keras's defaults.
  public init(
    groups: Int = 32, axis: Int = -1, epsilon: Double = 1e-3, center: Bool = true,
    scale: Bool = true, betaInitializer: Initializer = .zeros,
    gammaInitializer: Initializer = .ones, betaRegularizer: (any Regularizer)? = nil,
    gammaRegularizer: (any Regularizer)? = nil, betaConstraint: (any Constraint)? = nil,
    gammaConstraint: (any Constraint)? = nil, name: String? = nil
  ) {
    self.groups = groups
    self.axis = axis
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
    guard let buildShape, built, let channelAxis = channelAxis(rank: buildShape.rank) else {
      return nil
    }
    return InputSpec(rank: buildShape.rank, axes: [channelAxis: buildShape[channelAxis]])
  }

  private func channelAxis(rank: Int) -> Int? {
    guard let resolved = Shape.normalize(axis: axis, rank: rank), resolved > 0 else { return nil }
    return resolved
  }

  public override func build(inputShape: Shape) throws {
    guard epsilon.isFinite, epsilon >= 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "epsilon must be finite and ≥ 0, received \(epsilon)"
      )
    }
    guard let channelAxis = channelAxis(rank: inputShape.rank), inputShape[channelAxis] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "a known channel axis \(axis) after the batch axis", received: "\(inputShape)")
    }
    let channels = inputShape[channelAxis]
    let resolvedGroups = groups == -1 ? channels : groups
    guard resolvedGroups >= 1, resolvedGroups <= channels, channels % resolvedGroups == 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "groups (\(groups)) must divide the \(channels) channels (or be -1)")
    }
    if scale {
      let gamma = try addWeight(name: "gamma", shape: [channels], initializer: gammaInitializer)
      gamma.constraint = gammaConstraint
      self.gamma = gamma
    }
    if center {
      let beta = try addWeight(name: "beta", shape: [channels], initializer: betaInitializer)
      beta.constraint = betaConstraint
      self.beta = beta
    }
    groups = resolvedGroups
  }

  /// Keras's computation op for op: the input reshaped to `(…, groups, channels / groups, …)`,
  /// moments over every axis but the batch and the group, then `x · inv + (β - mean · inv)`
  /// with `inv = rsqrt(variance + ε) · γ`.
  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard built, groups >= 1, let channelAxis = channelAxis(rank: x.rank) else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    let input = x.dtype == .float32 ? x : try Ops.cast(x, to: .float32)
    var grouped = input.shape.dims
    grouped[channelAxis] /= groups
    grouped.insert(groups, at: channelAxis)
    var broadcast = [Int](repeating: 1, count: x.rank)
    broadcast[channelAxis] = x.shape[channelAxis] / groups
    broadcast.insert(groups, at: channelAxis)
    let reshaped = try Ops.reshape(input, Shape(grouped))
    let reduced = (1...x.rank).filter { $0 != channelAxis }
    let (mean, variance) = try Ops.moments(reshaped, axes: reduced, keepDims: true)
    var inverse = try Ops.rsqrt(variance + epsilon)
    if let gamma { inverse = try inverse * Ops.reshape(gamma.value, Shape(broadcast)) }
    var shift = try Ops.negative(mean) * inverse
    if let beta { shift = try shift + Ops.reshape(beta.value, Shape(broadcast)) }
    let normalized = try Ops.reshape(reshaped * inverse + shift, x.shape)
    return normalized.dtype == x.dtype ? normalized : try Ops.cast(normalized, to: x.dtype)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging([
      "groups": .int(groups), "axis": .int(axis), "epsilon": .double(epsilon),
      "center": .bool(center), "scale": .bool(scale),
      "beta_initializer": betaInitializer.serialized.value,
      "gamma_initializer": gammaInitializer.serialized.value,
      "beta_regularizer": .optional(betaRegularizer?.serialized.value),
      "gamma_regularizer": .optional(gammaRegularizer?.serialized.value),
      "beta_constraint": .optional(betaConstraint?.serialized.value),
      "gamma_constraint": .optional(gammaConstraint?.serialized.value),
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let groups = try config.optionalInt("groups") ?? 32
    guard groups == -1 || groups >= 1 else {
      throw config.mismatch("groups", "an integer ≥ 1, or -1 for one group per channel")
    }
    let layer = GroupNormalization(
      groups: groups, axis: try config.optionalInt("axis") ?? -1,
      epsilon: try config.double("epsilon", default: 1e-3),
      center: try config.bool("center", default: true),
      scale: try config.bool("scale", default: true),
      betaInitializer: try config.initializer("beta_initializer", default: .zeros),
      gammaInitializer: try config.initializer("gamma_initializer", default: .ones),
      betaRegularizer: try config.regularizer("beta_regularizer"),
      gammaRegularizer: try config.regularizer("gamma_regularizer"),
      betaConstraint: try config.constraint("beta_constraint"),
      gammaConstraint: try config.constraint("gamma_constraint"), name: settings.name)
    return try settings.finish(config, layer)
  }
}

extension GroupNormalization: RegularizedLayer {
  /// The `gamma` and `beta` penalties.
  public var regularizationLosses: [Tensor] {
    get throws { try penalties([(gammaRegularizer, gamma), (betaRegularizer, beta)]) }
  }
}

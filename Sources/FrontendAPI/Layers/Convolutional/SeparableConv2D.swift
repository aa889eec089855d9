/// Depthwise separable 2-D convolution: a depthwise convolution (each channel with its own
/// `depthMultiplier` filters) followed by a pointwise 1×1 convolution that mixes the channels.
///
///     output = activation(conv2d(depthwiseConv2d(x, depthwiseKernel), pointwiseKernel) + bias)
///
/// ```swift
/// let separable = SeparableConv2D(64, kernelSize: 3, padding: .same, activation: .relu)
/// let y = try separable(x)   // x: (batch, 28, 28, 32) → y: (batch, 28, 28, 64)
/// ```
/// Input `(batch, height, width, channels)`, depthwise kernel `(kernelHeight, kernelWidth,
/// channels, depthMultiplier)`, pointwise kernel `(1, 1, channels·depthMultiplier, filters)`,
/// output `(batch, outHeight, outWidth, filters)`, sized as ``Conv2D``'s. Channels-last only.
/// Equivalent to `keras.layers.SeparableConv2D`.
public final class SeparableConv2D: Layer {
  /// Output channels.
  public let filters: Int
  /// Depthwise output channels per input channel.
  public let depthMultiplier: Int
  /// The depthwise window, one size per spatial axis.
  public let kernelSize: [Int]
  /// The step between windows, one per spatial axis.
  public let strides: [Int]
  /// How the edges are padded.
  public let padding: Padding
  /// The spacing between kernel taps, one per spatial axis (1: adjacent).
  public let dilationRate: [Int]
  /// Applied to the output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the depthwise kernel starts.
  public let depthwiseInitializer: Initializer
  /// How the pointwise kernel starts.
  public let pointwiseInitializer: Initializer
  /// How the bias starts.
  public let biasInitializer: Initializer
  /// The penalty on the depthwise kernel, if any.
  public let depthwiseRegularizer: (any Regularizer)?
  /// The penalty on the pointwise kernel, if any.
  public let pointwiseRegularizer: (any Regularizer)?
  /// The penalty on the bias, if any.
  public let biasRegularizer: (any Regularizer)?
  /// The penalty on the output (divided by the batch size, as Keras does), if any.
  public let activityRegularizer: (any Regularizer)?
  /// The projection applied to the depthwise kernel after each update, if any.
  public let depthwiseConstraint: (any Constraint)?
  /// The projection applied to the pointwise kernel after each update, if any.
  public let pointwiseConstraint: (any Constraint)?
  /// The projection applied to the bias after each update, if any.
  public let biasConstraint: (any Constraint)?
  /// The activity penalty of the latest call.
  private let activityLoss = LossSlot()

  /// The `(kernelHeight, kernelWidth, channels, depthMultiplier)` kernel, once built.
  public private(set) var depthwiseKernel: Variable?
  /// The `(1, 1, channels·depthMultiplier, filters)` kernel, once built.
  public private(set) var pointwiseKernel: Variable?
  /// The `(filters)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the layer; weights are made at the first call.
  public init(
    _ filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    depthMultiplier: Int = 1, dilationRate: SpatialSize = 1,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    depthwiseInitializer: Initializer = .glorotUniform,
    pointwiseInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    depthwiseRegularizer: (any Regularizer)? = nil, pointwiseRegularizer: (any Regularizer)? = nil,
    biasRegularizer: (any Regularizer)? = nil, activityRegularizer: (any Regularizer)? = nil,
    depthwiseConstraint: (any Constraint)? = nil, pointwiseConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, name: String? = nil
  ) {
    self.filters = filters
    self.depthMultiplier = depthMultiplier
    self.kernelSize = kernelSize.perAxis(2)
    self.strides = strides.perAxis(2)
    self.padding = padding
    self.dilationRate = dilationRate.perAxis(2)
    self.activation = activation
    self.useBias = useBias
    self.depthwiseInitializer = depthwiseInitializer
    self.pointwiseInitializer = pointwiseInitializer
    self.biasInitializer = biasInitializer
    self.depthwiseRegularizer = depthwiseRegularizer
    self.pointwiseRegularizer = pointwiseRegularizer
    self.biasRegularizer = biasRegularizer
    self.activityRegularizer = activityRegularizer
    self.depthwiseConstraint = depthwiseConstraint
    self.pointwiseConstraint = pointwiseConstraint
    self.biasConstraint = biasConstraint
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let depthwiseKernel else { return InputSpec(rank: 4) }
    return InputSpec(rank: 4, axes: [-1: depthwiseKernel.shape[2]])
  }

  /// Checks the settings as Keras's constructor does; errors name the layer.
  func validate() throws {
    guard filters > 0, depthMultiplier > 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "filters and depth_multiplier must be positive, received \(filters) and "
          + "\(depthMultiplier)")
    }
    try BaseConv.checkWindow(
      kernelSize: kernelSize, strides: strides, dilationRate: dilationRate, rank: 2,
      layer: identity)
    guard padding != .causal else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "padding must be \"valid\" or \"same\"")
    }
  }

  public override func build(inputShape: Shape) throws {
    try validate()
    guard inputShape.rank == 4, inputShape[3] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "rank 4, (batch, height, width, channels) with known channels",
        received: "\(inputShape)")
    }
    _ = try computeOutputShape([inputShape])
    let channels = inputShape[3]
    let (depth, overflow) = channels.multipliedReportingOverflow(by: depthMultiplier)
    guard !overflow else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "\(channels) channels × depth_multiplier \(depthMultiplier) overflows")
    }
    let depthwise = try addWeight(
      name: "depthwise_kernel", shape: Shape(kernelSize + [channels, depthMultiplier]),
      initializer: depthwiseInitializer)
    depthwise.constraint = depthwiseConstraint
    depthwiseKernel = depthwise
    let pointwise = try addWeight(
      name: "pointwise_kernel", shape: [1, 1, depth, filters], initializer: pointwiseInitializer)
    pointwise.constraint = pointwiseConstraint
    pointwiseKernel = pointwise
    if useBias {
      let bias = try addWeight(name: "bias", shape: [filters], initializer: biasInitializer)
      bias.constraint = biasConstraint
      self.bias = bias
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let depthwiseKernel, let pointwiseKernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    var y = try namingErrors {
      let depthwise = try Ops.depthwiseConv2d(
        x, depthwiseKernel.value, strides: strides, padding: padding, dilationRate: dilationRate)
      return try Ops.conv2d(depthwise, pointwiseKernel.value)
    }
    if let bias { y = try Ops.add(y, bias.value) }
    let output = try activation(y)
    if let activityRegularizer {
      let batch = Double(Swift.max(output.rank > 0 ? output.shape[0] : 1, 1))
      activityLoss.store(
        try Ops.divide(activityRegularizer(output), Tensor.scalar(batch, dtype: output.dtype)))
    }
    return output
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 4", received: "\(inputShapes)")
    }
    return try BaseConv.outputShape(
      shape, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, layer: identity)
  }

  /// Keras's SeparableConv2D config.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "depth_multiplier": .int(depthMultiplier), "filters": .int(filters),
      "kernel_size": .ints(kernelSize), "strides": .ints(strides),
      "padding": .string(padding.rawValue), "data_format": "channels_last",
      "dilation_rate": .ints(dilationRate), "activation": activation.layerConfigValue,
      "use_bias": .bool(useBias),
      "depthwise_initializer": depthwiseInitializer.serialized.value,
      "pointwise_initializer": pointwiseInitializer.serialized.value,
      "bias_initializer": biasInitializer.serialized.value,
      "depthwise_regularizer": .optional(depthwiseRegularizer?.serialized.value),
      "pointwise_regularizer": .optional(pointwiseRegularizer?.serialized.value),
      "bias_regularizer": .optional(biasRegularizer?.serialized.value),
      "activity_regularizer": .optional(activityRegularizer?.serialized.value),
      "depthwise_constraint": .optional(depthwiseConstraint?.serialized.value),
      "pointwise_constraint": .optional(pointwiseConstraint?.serialized.value),
      "bias_constraint": .optional(biasConstraint?.serialized.value),
    ]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let layer = SeparableConv2D(
      try config.int("filters"),
      kernelSize: SpatialSize(try config.spatial("kernel_size", rank: 2)),
      strides: SpatialSize(try config.spatial("strides", rank: 2, default: [1])),
      padding: try config.padding(allowed: [.valid, .same]),
      depthMultiplier: try config.optionalInt("depth_multiplier", default: 1) ?? 1,
      dilationRate: SpatialSize(try config.spatial("dilation_rate", rank: 2, default: [1])),
      activation: try config.activation(), useBias: try config.bool("use_bias", default: true),
      depthwiseInitializer: try config.initializer(
        "depthwise_initializer", default: .glorotUniform),
      pointwiseInitializer: try config.initializer(
        "pointwise_initializer", default: .glorotUniform),
      biasInitializer: try config.initializer("bias_initializer", default: .zeros),
      depthwiseRegularizer: try config.regularizer("depthwise_regularizer"),
      pointwiseRegularizer: try config.regularizer("pointwise_regularizer"),
      biasRegularizer: try config.regularizer("bias_regularizer"),
      activityRegularizer: try config.regularizer("activity_regularizer"),
      depthwiseConstraint: try config.constraint("depthwise_constraint"),
      pointwiseConstraint: try config.constraint("pointwise_constraint"),
      biasConstraint: try config.constraint("bias_constraint"), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

extension SeparableConv2D: RegularizedLayer {
  /// The kernel, bias and activity penalties (the activity one from the latest call).
  public var regularizationLosses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      if let depthwiseRegularizer, let depthwiseKernel {
        result.append(try depthwiseRegularizer(depthwiseKernel.value))
      }
      if let pointwiseRegularizer, let pointwiseKernel {
        result.append(try pointwiseRegularizer(pointwiseKernel.value))
      }
      if let biasRegularizer, let bias { result.append(try biasRegularizer(bias.value)) }
      if activityRegularizer != nil, let penalty = activityLoss.load() { result.append(penalty) }
      return result
    }
  }
}

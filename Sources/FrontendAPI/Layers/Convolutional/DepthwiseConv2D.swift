/// Depthwise 2-D convolution: each input channel convolved with its own `depthMultiplier`
/// filters, channels never mixed.
///
///     output[..., c·depthMultiplier + m] = activation(conv2d(x[..., c], kernel[:, :, c, m]) + bias)
///
/// ```swift
/// let depthwise = DepthwiseConv2D(kernelSize: 3, padding: .same)
/// let y = try depthwise(x)   // x: (batch, 28, 28, 16) → y: (batch, 28, 28, 16)
/// ```
/// Input `(batch, height, width, channels)`, kernel `(kernelHeight, kernelWidth, channels,
/// depthMultiplier)`, bias `(channels·depthMultiplier)`, output `(batch, outHeight, outWidth,
/// channels·depthMultiplier)`, sized as ``Conv2D``'s. Runs as the grouped convolution with one
/// group per channel (``Ops/depthwiseConv2d(_:_:strides:padding:dilationRate:)``).
/// Channels-last only. Equivalent to `keras.layers.DepthwiseConv2D`.
public final class DepthwiseConv2D: Layer {
  /// Output channels per input channel.
  public let depthMultiplier: Int
  /// The window, one size per spatial axis.
  public let kernelSize: [Int]
  /// The step between windows, one per spatial axis.
  public let strides: [Int]
  /// How the edges are padded.
  public let padding: Padding
  /// The spacing between kernel taps, one per spatial axis (1: adjacent).
  public let dilationRate: [Int]
  /// Applied to the convolution's output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel starts.
  public let depthwiseInitializer: Initializer
  /// How the bias starts.
  public let biasInitializer: Initializer
  /// The penalty on the kernel, if any.
  public let depthwiseRegularizer: (any Regularizer)?
  /// The penalty on the bias, if any.
  public let biasRegularizer: (any Regularizer)?
  /// The penalty on the output (divided by the batch size, as Keras does), if any.
  public let activityRegularizer: (any Regularizer)?
  /// The projection applied to the kernel after each update, if any.
  public let depthwiseConstraint: (any Constraint)?
  /// The projection applied to the bias after each update, if any.
  public let biasConstraint: (any Constraint)?
  /// The activity penalty of the latest call.
  private let activityLoss = LossSlot()

  /// The `(kernelHeight, kernelWidth, channels, depthMultiplier)` kernel, once built.
  public private(set) var kernel: Variable?
  /// The `(channels·depthMultiplier)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the layer; weights are made at the first call.
  public init(
    kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    depthMultiplier: Int = 1, dilationRate: SpatialSize = 1,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    depthwiseInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    depthwiseRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    activityRegularizer: (any Regularizer)? = nil, depthwiseConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, name: String? = nil
  ) {
    self.depthMultiplier = depthMultiplier
    self.kernelSize = kernelSize.perAxis(2)
    self.strides = strides.perAxis(2)
    self.padding = padding
    self.dilationRate = dilationRate.perAxis(2)
    self.activation = activation
    self.useBias = useBias
    self.depthwiseInitializer = depthwiseInitializer
    self.biasInitializer = biasInitializer
    self.depthwiseRegularizer = depthwiseRegularizer
    self.biasRegularizer = biasRegularizer
    self.activityRegularizer = activityRegularizer
    self.depthwiseConstraint = depthwiseConstraint
    self.biasConstraint = biasConstraint
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let kernel else { return InputSpec(rank: 4) }
    return InputSpec(rank: 4, axes: [-1: kernel.shape[2]])
  }

  /// Checks the settings as Keras's constructor does; errors name the layer.
  func validate() throws {
    guard depthMultiplier > 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "depth_multiplier must be positive, received \(depthMultiplier)")
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
    let kernel = try addWeight(
      name: "kernel", shape: Shape(kernelSize + [channels, depthMultiplier]),
      initializer: depthwiseInitializer)
    kernel.constraint = depthwiseConstraint
    self.kernel = kernel
    if useBias {
      let bias = try addWeight(
        name: "bias", shape: [try outputChannels(channels)], initializer: biasInitializer)
      bias.constraint = biasConstraint
      self.bias = bias
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let kernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    var y = try namingErrors {
      try Ops.depthwiseConv2d(
        x, kernel.value, strides: strides, padding: padding, dilationRate: dilationRate)
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

  /// `channels·depthMultiplier`, or an error naming the layer when it overflows.
  private func outputChannels(_ channels: Int) throws -> Int {
    let (product, overflow) = channels.multipliedReportingOverflow(by: depthMultiplier)
    guard !overflow else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "\(channels) channels × depth_multiplier \(depthMultiplier) overflows")
    }
    return product
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == 4, shape[3] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 4 with known channels",
        received: "\(inputShapes)")
    }
    return try BaseConv.outputShape(
      shape, filters: try outputChannels(shape[3]), kernelSize: kernelSize, strides: strides,
      padding: padding, dilationRate: dilationRate, layer: identity)
  }

  /// Keras's DepthwiseConv2D config.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "depth_multiplier": .int(depthMultiplier), "kernel_size": .ints(kernelSize),
      "strides": .ints(strides), "padding": .string(padding.rawValue),
      "data_format": "channels_last", "dilation_rate": .ints(dilationRate),
      "activation": activation.layerConfigValue, "use_bias": .bool(useBias),
      "depthwise_initializer": depthwiseInitializer.serialized.value,
      "bias_initializer": biasInitializer.serialized.value,
      "depthwise_regularizer": .optional(depthwiseRegularizer?.serialized.value),
      "bias_regularizer": .optional(biasRegularizer?.serialized.value),
      "activity_regularizer": .optional(activityRegularizer?.serialized.value),
      "depthwise_constraint": .optional(depthwiseConstraint?.serialized.value),
      "bias_constraint": .optional(biasConstraint?.serialized.value),
    ]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let layer = DepthwiseConv2D(
      kernelSize: SpatialSize(try config.spatial("kernel_size", rank: 2)),
      strides: SpatialSize(try config.spatial("strides", rank: 2, default: [1])),
      padding: try config.padding(allowed: [.valid, .same]),
      depthMultiplier: try config.optionalInt("depth_multiplier", default: 1) ?? 1,
      dilationRate: SpatialSize(try config.spatial("dilation_rate", rank: 2, default: [1])),
      activation: try config.activation(), useBias: try config.bool("use_bias", default: true),
      depthwiseInitializer: try config.initializer(
        "depthwise_initializer", default: .glorotUniform),
      biasInitializer: try config.initializer("bias_initializer", default: .zeros),
      depthwiseRegularizer: try config.regularizer("depthwise_regularizer"),
      biasRegularizer: try config.regularizer("bias_regularizer"),
      activityRegularizer: try config.regularizer("activity_regularizer"),
      depthwiseConstraint: try config.constraint("depthwise_constraint"),
      biasConstraint: try config.constraint("bias_constraint"), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

extension DepthwiseConv2D: RegularizedLayer {
  /// The kernel, bias and activity penalties (the activity one from the latest call).
  public var regularizationLosses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      if let depthwiseRegularizer, let kernel {
        result.append(try depthwiseRegularizer(kernel.value))
      }
      if let biasRegularizer, let bias { result.append(try biasRegularizer(bias.value)) }
      if activityRegularizer != nil, let penalty = activityLoss.load() { result.append(penalty) }
      return result
    }
  }
}

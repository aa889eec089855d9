/// What the convolution layers share: the settings, the kernel and bias, the checks, the
/// config and the penalties. ``Conv1D``, ``Conv2D`` and ``Conv3D`` are this with one, two or
/// three spatial axes, ``Conv2DTranspose`` runs the transposed convolution instead.
///
///     output = activation(conv(x, kernel) + bias)
///
/// Input `(batch, *spatial, channels)`, kernel `(*kernelSize, channels / groups, filters)`,
/// output `(batch, *outSpatial, filters)`; channels-last only. Arguments are checked when the
/// layer is built (or read from a config), and a bad one throws an error naming the layer.
/// Equivalent to Keras's `keras.src.layers.convolutional.base_conv.BaseConv`.
public class BaseConv: Layer {
  /// The number of spatial axes (1 for ``Conv1D``, 2 for ``Conv2D``, 3 for ``Conv3D``).
  public let rank: Int
  /// Output channels.
  public let filters: Int
  /// The window, one size per spatial axis.
  public let kernelSize: [Int]
  /// The step between windows, one per spatial axis.
  public let strides: [Int]
  /// How the edges are padded.
  public let padding: Padding
  /// The spacing between kernel taps, one per spatial axis (1: adjacent).
  public let dilationRate: [Int]
  /// Channel groups: each sees `channels / groups` inputs and makes `filters / groups` outputs.
  public let groups: Int
  /// Applied to the convolution's output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel starts.
  public let kernelInitializer: Initializer
  /// How the bias starts.
  public let biasInitializer: Initializer
  /// The penalty on the kernel, if any.
  public let kernelRegularizer: (any Regularizer)?
  /// The penalty on the bias, if any.
  public let biasRegularizer: (any Regularizer)?
  /// The penalty on the output (divided by the batch size, as Keras does), if any.
  public let activityRegularizer: (any Regularizer)?
  /// The projection applied to the kernel after each update, if any.
  public let kernelConstraint: (any Constraint)?
  /// The projection applied to the bias after each update, if any.
  public let biasConstraint: (any Constraint)?
  /// The activity penalty of the latest call.
  private let activityLoss = LossSlot()

  /// The kernel, once built.
  public private(set) var kernel: Variable?
  /// The `(filters)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  init(
    rank: Int, filters: Int, kernelSize: SpatialSize, strides: SpatialSize, padding: Padding,
    dilationRate: SpatialSize, groups: Int, activation: ActivationFunction, useBias: Bool,
    kernelInitializer: Initializer, biasInitializer: Initializer,
    kernelRegularizer: (any Regularizer)?, biasRegularizer: (any Regularizer)?,
    activityRegularizer: (any Regularizer)?, kernelConstraint: (any Constraint)?,
    biasConstraint: (any Constraint)?, name: String?
  ) {
    self.rank = rank
    self.filters = filters
    self.kernelSize = kernelSize.perAxis(rank)
    self.strides = strides.perAxis(rank)
    self.padding = padding
    self.dilationRate = dilationRate.perAxis(rank)
    self.groups = groups
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    self.kernelRegularizer = kernelRegularizer
    self.biasRegularizer = biasRegularizer
    self.activityRegularizer = activityRegularizer
    self.kernelConstraint = kernelConstraint
    self.biasConstraint = biasConstraint
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let kernel else { return InputSpec(rank: rank + 2) }
    return InputSpec(rank: rank + 2, axes: [-1: inputChannels(kernel: kernel.shape)])
  }

  /// The spatial axes of each rank, as error messages name them.
  static let spatialNames = [1: "steps", 2: "height, width", 3: "depth, height, width"]

  /// Checks the settings as Keras's constructor does; errors name the layer.
  func validate() throws {
    func fail(_ message: String) -> PlexusError {
      .invalidArgument(context: "Layer \(identity)", message: message)
    }
    guard filters > 0 else { throw fail("filters must be positive, received \(filters)") }
    guard groups > 0, filters % groups == 0 else {
      throw fail("groups must be positive and divide the \(filters) filters, received \(groups)")
    }
    try Self.checkWindow(
      kernelSize: kernelSize, strides: strides, dilationRate: dilationRate, rank: rank,
      layer: identity)
    guard strides.allSatisfy({ $0 == 1 }) || dilationRate.allSatisfy({ $0 == 1 }) else {
      throw fail(
        "strides > 1 cannot be combined with dilation_rate > 1, received strides \(strides) "
          + "and dilation_rate \(dilationRate)")
    }
    guard padding != .causal || rank == 1 else {
      throw fail("\"causal\" padding is for Conv1D only; use \"valid\" or \"same\"")
    }
  }

  /// Checks that each of the window settings holds `rank` positive integers, as every Keras
  /// convolution's constructor does; errors name `layer`.
  static func checkWindow(
    kernelSize: [Int], strides: [Int], dilationRate: [Int], rank: Int, layer: String
  ) throws {
    for (name, values) in [
      ("kernel_size", kernelSize), ("strides", strides), ("dilation_rate", dilationRate),
    ] {
      guard values.count == rank, values.allSatisfy({ $0 > 0 }) else {
        throw PlexusError.invalidArgument(
          context: "Layer \(layer)",
          message: "\(name) must be one or \(rank) positive integers, received \(values)")
      }
    }
  }

  /// The kernel's shape for `channels` input channels.
  func kernelShape(channels: Int) -> Shape {
    Shape(kernelSize + [channels / groups, filters])
  }

  /// The input channels a kernel of `shape` was made for.
  func inputChannels(kernel shape: Shape) -> Int { shape[rank] * groups }

  /// The convolution itself, bias and activation aside.
  func convolve(_ x: Tensor, _ kernel: Tensor) throws -> Tensor {
    if rank == 1 {
      return try Ops.conv1d(
        x, kernel, strides: strides[0], padding: padding, dilationRate: dilationRate[0])
    }
    if rank == 3 {
      return try Ops.conv3d(
        x, kernel, strides: strides, padding: padding, dilationRate: dilationRate)
    }
    return try Ops.conv2d(
      x, kernel, strides: strides, padding: padding, dilationRate: dilationRate)
  }

  /// The convolution with its bias and a fusable activation in one op, or nil where the layer
  /// has no fused form (the bias and activation then follow as ops of their own).
  func convolve(_ x: Tensor, _ kernel: Tensor, bias: Tensor, _ activation: FusedActivation)
    throws -> Tensor?
  {
    guard rank == 2 else { return nil }
    return try Ops.conv2d(
      x, kernel, bias: bias, activation: activation, strides: strides, padding: padding,
      dilationRate: dilationRate)
  }

  /// The output length along spatial axis `axis` for an input of `size` (-1: unknown), or nil
  /// when the (dilated) kernel does not fit.
  func outputLength(_ size: Int, axis: Int) -> Int? {
    Self.outputLength(
      size, kernel: kernelSize[axis], stride: strides[axis], dilation: dilationRate[axis],
      padding: padding)
  }

  /// The output length of a convolution along one axis for an input of `size` (-1: unknown),
  /// or nil when the (dilated) kernel does not fit.
  static func outputLength(
    _ size: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding
  ) -> Int? {
    guard size >= 0 else { return -1 }
    let (before, after) = padding.amounts(size, kernel: kernel, stride: stride, dilation: dilation)
    return Convolution2D.outputSize(
      size, kernel: kernel, stride: stride, dilation: dilation, padding: before, after)
  }

  /// The output shape of a 2-D convolution making `filters` channels from `shape`, or an error
  /// naming `layer` when the kernel does not fit.
  static func outputShape(
    _ shape: Shape, filters: Int, kernelSize: [Int], strides: [Int], padding: Padding,
    dilationRate: [Int], layer: String
  ) throws -> Shape {
    let spatial = try (0..<2).map { axis in
      guard
        let length = outputLength(
          shape[axis + 1], kernel: kernelSize[axis], stride: strides[axis],
          dilation: dilationRate[axis], padding: padding), length != 0
      else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(layer)",
          expected: "spatial sizes the kernel \(kernelSize) (dilation \(dilationRate)) fits "
            + "with \"\(padding.rawValue)\" padding (the kernel does not fit)",
          received: "\(shape)")
      }
      return length
    }
    return Shape([shape[0]] + spatial + [filters])
  }

  public override func build(inputShape: Shape) throws {
    try validate()
    guard inputShape.rank == rank + 2, inputShape[rank + 1] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "rank \(rank + 2), (batch, \(Self.spatialNames[rank] ?? "..."), channels) "
          + "with known channels",
        received: "\(inputShape)")
    }
    _ = try computeOutputShape([inputShape])
    let channels = inputShape[rank + 1]
    guard channels % groups == 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "the \(channels) input channels must divide into the \(groups) groups")
    }
    let kernel = try addWeight(
      name: "kernel", shape: kernelShape(channels: channels), initializer: kernelInitializer)
    kernel.constraint = kernelConstraint
    self.kernel = kernel
    if useBias {
      let bias = try addWeight(name: "bias", shape: [filters], initializer: biasInitializer)
      bias.constraint = biasConstraint
      self.bias = bias
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let output = try convolve(x, activation)
    if let activityRegularizer {
      let batch = Double(Swift.max(output.rank > 0 ? output.shape[0] : 1, 1))
      activityLoss.store(
        try Ops.divide(activityRegularizer(output), Tensor.scalar(batch, dtype: output.dtype)))
    }
    return output
  }

  /// The convolution, its bias and `activation`: in one op where the activation fuses, else
  /// as ops of their own. `.linear` gives the output before the layer's activation.
  func convolve(_ x: Tensor, _ activation: ActivationFunction) throws -> Tensor {
    guard let kernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    if let bias, let fused = FusedActivation(activation),
      let y = try namingErrors({ try convolve(x, kernel.value, bias: bias.value, fused) })
    {
      return y
    }
    var y = try namingErrors { try convolve(x, kernel.value) }
    if let bias { y = try Ops.add(y, bias.value) }
    return try activation(y)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == rank + 2 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank \(rank + 2)",
        received: "\(inputShapes)")
    }
    let spatial = try (0..<rank).map { axis in
      guard let length = outputLength(shape[axis + 1], axis: axis), length != 0 else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)",
          expected: "spatial sizes the kernel \(kernelSize) (dilation \(dilationRate)) fits "
            + "with \"\(padding.rawValue)\" padding (the kernel does not fit)",
          received: "\(shape)")
      }
      return length
    }
    return Shape([shape[0]] + spatial + [filters])
  }

  /// Keras's convolution config (`activity_regularizer` always written, as Keras's base
  /// convolution does).
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "filters": .int(filters), "kernel_size": .ints(kernelSize), "strides": .ints(strides),
      "padding": .string(padding.rawValue), "data_format": "channels_last",
      "dilation_rate": .ints(dilationRate), "groups": .int(groups),
      "activation": activation.layerConfigValue, "use_bias": .bool(useBias),
      "kernel_initializer": kernelInitializer.serialized.value,
      "bias_initializer": biasInitializer.serialized.value,
      "kernel_regularizer": .optional(kernelRegularizer?.serialized.value),
      "bias_regularizer": .optional(biasRegularizer?.serialized.value),
      "activity_regularizer": .optional(activityRegularizer?.serialized.value),
      "kernel_constraint": .optional(kernelConstraint?.serialized.value),
      "bias_constraint": .optional(biasConstraint?.serialized.value),
    ]) { $1 }
  }
}

extension BaseConv: RegularizedLayer {
  /// The kernel, bias and activity penalties (the activity one from the latest call).
  public var regularizationLosses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      if let kernelRegularizer, let kernel { result.append(try kernelRegularizer(kernel.value)) }
      if let biasRegularizer, let bias { result.append(try biasRegularizer(bias.value)) }
      if activityRegularizer != nil, let penalty = activityLoss.load() { result.append(penalty) }
      return result
    }
  }
}

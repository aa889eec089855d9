extension Ops {
  /// 2-D convolution in the channels-last layout: `x` is `[batch, height, width, channels]`,
  /// `kernel` is `[kernelHeight, kernelWidth, channels / groups, filters]`, the result is
  /// `[batch, outHeight, outWidth, filters]`. The groups follow from the shapes (`channels /
  /// kernel.shape[2]`), as in Keras; `strides` and `dilationRate` hold one value for both axes
  /// or one per axis.
  ///
  /// One kernel where a backend has the ``ConvolutionKernels`` family, else the composite
  /// (``conv2dComposite(_:_:_:)``); the tape records one node either way. Equivalent to
  /// `keras.ops.conv`.
  public static func conv2d(
    _ x: Tensor, _ kernel: Tensor, strides: [Int] = [1], padding: Padding = .valid,
    dilationRate: [Int] = [1]
  ) throws -> Tensor {
    let geometry = try convolutionGeometry(
      x, kernel, strides: strides, padding: padding, dilationRate: dilationRate, op: "conv2d")
    return try conv2d(x, kernel, geometry)
  }

  /// `activation(conv2d(x, kernel) + bias)`, `bias` of shape `[filters]`: one fused kernel
  /// (the bias and the activation as post-ops) where a backend has the
  /// ``FusedConvolutionKernels`` family, else the convolution, a bias add and the activation.
  /// What a `Conv2D` layer with a bias and a fusable activation runs.
  public static func conv2d(
    _ x: Tensor, _ kernel: Tensor, bias: Tensor, activation: FusedActivation,
    strides: [Int] = [1], padding: Padding = .valid, dilationRate: [Int] = [1]
  ) throws -> Tensor {
    let op = "conv2d_bias_activation"
    let geometry = try convolutionGeometry(
      x, kernel, strides: strides, padding: padding, dilationRate: dilationRate, op: op)
    guard bias.shape == [geometry.filters], bias.dtype == x.dtype else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "a \(x.dtype) bias of shape [\(geometry.filters)]",
        received: "\(bias.dtype) \(bias.shape)")
    }
    if Dispatcher.anyBackendSupports(.conv2dBiasActivation, x.dtype),
      let result = try dispatchFamily(
        .conv2dBiasActivation, [x, kernel, bias],
        geometry.attributes.with(.activation, .int(activation.rawValue)), output: x.dtype,
        geometry.outputShape)
    {
      return result
    }
    return try activate(add(conv2d(x, kernel, geometry), bias), activation)
  }

  /// The geometry of `conv2d(x, kernel, ...)`, every argument checked.
  static func convolutionGeometry(
    _ x: Tensor, _ kernel: Tensor, strides: [Int], padding: Padding, dilationRate: [Int],
    op: String
  ) throws -> Convolution2D {
    try requireFloat(x, op: op)
    guard kernel.dtype == x.dtype else {
      throw PlexusError.dtypeMismatch(
        context: op, expected: "a kernel in the input's \(x.dtype)", received: "\(kernel.dtype)")
    }
    guard x.rank == 4, kernel.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: op,
        expected: "an input [batch, height, width, channels] and a kernel "
          + "[height, width, channels / groups, filters]",
        received: "\(x.shape) and \(kernel.shape)")
    }
    let strides = try pair(strides, "strides", op)
    let dilations = try pair(dilationRate, "dilation_rate", op)
    guard padding != .causal else {
      throw PlexusError.invalidArgument(
        context: op, message: "\"causal\" padding is for one-dimensional convolutions")
    }
    let (channels, perGroup) = (x.shape[3], kernel.shape[2])
    guard perGroup >= 1, channels % perGroup == 0 else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "a kernel whose input channels divide the \(channels) channels",
        received: "\(kernel.shape)")
    }
    let vertical = padding.amounts(
      x.shape[1], kernel: kernel.shape[0], stride: strides[0], dilation: dilations[0])
    let horizontal = padding.amounts(
      x.shape[2], kernel: kernel.shape[1], stride: strides[1], dilation: dilations[1])
    return try Convolution2D(
      input: x.shape, filter: kernel.shape, strides: strides, dilations: dilations,
      padding: [vertical.0, vertical.1, horizontal.0, horizontal.1], groups: channels / perGroup,
      context: op)
  }

  /// One value for both axes, or one per axis.
  static func pair(_ values: [Int], _ name: String, _ op: String) throws -> [Int] {
    switch values.count {
    case 1: return [values[0], values[0]]
    case 2: return values
    default:
      throw PlexusError.invalidArgument(
        context: op, message: "\(name) needs one or two values, received \(values)")
    }
  }

  /// ``conv2d(_:_:strides:padding:dilationRate:)`` for a checked geometry.
  static func conv2d(_ x: Tensor, _ kernel: Tensor, _ geometry: Convolution2D) throws -> Tensor {
    try family(
      .conv2d, [x, kernel], geometry.attributes, output: x.dtype, geometry.outputShape
    ) { inputs in try conv2dComposite(inputs[0], inputs[1], geometry) }
  }

  /// The gradient of a convolution with respect to its input, from the output's gradient.
  static func conv2dBackwardInput(
    _ upstream: Tensor, _ kernel: Tensor, _ geometry: Convolution2D
  ) throws -> Tensor {
    try family(
      .conv2dBackwardInput, [upstream, kernel], geometry.attributes, output: upstream.dtype,
      geometry.inputShape
    ) { inputs in try conv2dBackwardInputComposite(inputs[0], inputs[1], geometry) }
  }

  /// The gradient of a convolution with respect to its kernel.
  static func conv2dBackwardFilter(
    _ x: Tensor, _ upstream: Tensor, _ geometry: Convolution2D
  ) throws -> Tensor {
    try family(
      .conv2dBackwardFilter, [x, upstream], geometry.attributes, output: x.dtype,
      geometry.filterShape
    ) { inputs in try conv2dBackwardFilterComposite(inputs[0], inputs[1], geometry) }
  }
}

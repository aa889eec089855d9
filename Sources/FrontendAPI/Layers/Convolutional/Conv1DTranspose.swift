/// Transposed 1-D convolution: the gradient of a ``Conv1D`` with respect to its input, used to
/// upsample sequences with learned filters.
///
/// ```swift
/// let up = Conv1DTranspose(8, kernelSize: 3, strides: 2, padding: .same)
/// let y = try up(x)   // x: (batch, 50, 16) → y: (batch, 100, 8)
/// ```
/// Input `(batch, steps, channels)`, kernel `(kernelSize, filters, channels)`, output `(batch,
/// outSteps, filters)`, the lengths as ``Conv2DTranspose``'s along one axis. Runs as a 2-D
/// transposed convolution over a height of one. Channels-last only. Equivalent to
/// `keras.layers.Conv1DTranspose`.
public final class Conv1DTranspose: BaseConv {
  /// Extra steps at the end of the output, below the stride (nil: Keras's default length).
  public let outputPadding: Int?

  /// Creates the layer; weights are made at the first call.
  public init(
    _ filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    outputPadding: Int? = nil, dilationRate: SpatialSize = 1,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    activityRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, name: String? = nil
  ) {
    self.outputPadding = outputPadding
    super.init(
      rank: 1, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: 1, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }

  override func validate() throws {
    try super.validate()
    guard padding != .causal else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "padding must be 'valid' or 'same', not 'causal'")
    }
    if let outputPadding, outputPadding < 0 || outputPadding >= strides[0] {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "output_padding must be ≥ 0 and below the stride \(strides[0]), received "
          + "\(outputPadding)")
    }
  }

  override func kernelShape(channels: Int) -> Shape { Shape(kernelSize + [filters, channels]) }

  override func inputChannels(kernel shape: Shape) -> Int { shape[2] }

  /// The 2-D transposed convolution over a height of one.
  override func convolve(_ x: Tensor, _ kernel: Tensor) throws -> Tensor {
    let output = try Ops.conv2dTranspose(
      Ops.expandDims(x, axis: 1), Ops.expandDims(kernel, axis: 0), strides: [1, strides[0]],
      padding: padding, outputPadding: outputPadding.map { [0, $0] },
      dilationRate: [1, dilationRate[0]])
    return try Ops.squeeze(output, axes: [1])
  }

  /// No fused form: the bias and activation follow the transposed convolution as ops.
  override func convolve(
    _ x: Tensor, _ kernel: Tensor, bias: Tensor, _ activation: FusedActivation
  ) throws -> Tensor? { nil }

  override func outputLength(_ size: Int, axis: Int) -> Int? {
    guard size >= 0 else { return -1 }
    return Ops.transposedAxis(
      size, kernel: kernelSize[axis], stride: strides[axis], dilation: dilationRate[axis],
      padding: padding, outputPadding: outputPadding)?.size
  }

  /// Keras's Conv1DTranspose config: the convolution's, with `output_padding` and no `groups`.
  public override var config: [String: ConfigValue] {
    var result = super.config
    result["groups"] = nil
    result["output_padding"] = outputPadding.map { .ints([$0]) } ?? .null
    return result
  }

}

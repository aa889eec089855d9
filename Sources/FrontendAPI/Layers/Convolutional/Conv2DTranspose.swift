/// Transposed 2-D convolution (sometimes called deconvolution): the gradient of a
/// ``Conv2D`` with respect to its input, used to upsample with learned filters.
///
///     output = activation(conv2dTranspose(x, kernel) + bias)
///
/// ```swift
/// let up = Conv2DTranspose(16, kernelSize: 3, strides: 2, padding: .same)
/// let y = try up(x)   // x: (batch, 7, 7, 32) → y: (batch, 14, 14, 16)
/// ```
/// Input `(batch, height, width, channels)`, kernel `(kernelHeight, kernelWidth, filters,
/// channels)`, output `(batch, outHeight, outWidth, filters)` with, along each axis (`k` the
/// dilated kernel size), `(size - 1)·stride + max(k, stride)` for `"valid"` and `size·stride`
/// for `"same"`, or `(size - 1)·stride + k - 2·pad + outputPadding` when `outputPadding` is
/// given (`pad`: 0 for `"valid"`, `k / 2` for `"same"`). Runs as
/// ``Ops/conv2dTranspose(_:_:strides:padding:outputPadding:dilationRate:)``. Channels-last
/// only. Equivalent to `keras.layers.Conv2DTranspose`.
public final class Conv2DTranspose: BaseConv {
  /// Extra rows and columns at the end of the output, each below its stride (nil: Keras's
  /// default sizes above).
  public let outputPadding: [Int]?

  /// Creates the layer; weights are made at the first call.
  public init(
    _ filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    outputPadding: SpatialSize? = nil, dilationRate: SpatialSize = 1,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    activityRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, name: String? = nil
  ) {
    self.outputPadding = outputPadding?.perAxis(2)
    super.init(
      rank: 2, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: 1, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }

  override func validate() throws {
    try super.validate()
    if let outputPadding {
      guard outputPadding.count == 2,
        zip(outputPadding, strides).allSatisfy({ $0.0 >= 0 && $0.0 < $0.1 })
      else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "output_padding must be one or two integers ≥ 0 and below the strides "
            + "\(strides), received \(outputPadding)")
      }
    }
  }

  override func kernelShape(channels: Int) -> Shape { Shape(kernelSize + [filters, channels]) }

  override func inputChannels(kernel shape: Shape) -> Int { shape[3] }

  override func convolve(_ x: Tensor, _ kernel: Tensor) throws -> Tensor {
    try Ops.conv2dTranspose(
      x, kernel, strides: strides, padding: padding, outputPadding: outputPadding,
      dilationRate: dilationRate)
  }

  /// No fused form: the bias and activation follow the transposed convolution as ops.
  override func convolve(
    _ x: Tensor, _ kernel: Tensor, bias: Tensor, _ activation: FusedActivation
  ) throws -> Tensor? { nil }

  override func outputLength(_ size: Int, axis: Int) -> Int? {
    guard size >= 0 else { return -1 }
    return Ops.transposedAxis(
      size, kernel: kernelSize[axis], stride: strides[axis], dilation: dilationRate[axis],
      padding: padding, outputPadding: outputPadding?[axis])?.size
  }

  /// Keras's Conv2DTranspose config: the convolution's, with `output_padding` and no `groups`.
  public override var config: [String: ConfigValue] {
    var result = super.config
    result["groups"] = nil
    result["output_padding"] = outputPadding.map { .ints($0) } ?? .null
    return result
  }

}

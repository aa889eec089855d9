/// Transposed 3-D convolution: the gradient of a ``Conv3D`` with respect to its input, used to
/// upsample volumes with learned filters (the decoder of a 3-D U-Net).
///
///     output = activation(conv3dTranspose(x, kernel) + bias)
///
/// ```swift
/// let up = Conv3DTranspose(8, kernelSize: 3, strides: 2, padding: .same)
/// let y = try up(x)   // x: (batch, 4, 8, 8, 16) → y: (batch, 8, 16, 16, 8)
/// ```
/// Input `(batch, depth, height, width, channels)`, kernel `(kernelDepth, kernelHeight,
/// kernelWidth, filters, channels)`, output `(batch, outDepth, outHeight, outWidth, filters)`,
/// each axis sized as ``Conv2DTranspose`` sizes it. Runs as
/// ``Ops/conv3dTranspose(_:_:strides:padding:outputPadding:dilationRate:)``. Channels-last
/// only. Equivalent to `keras.layers.Conv3DTranspose`.
public final class Conv3DTranspose: BaseConv {
  /// Extra cells at the end of the output along each axis, each below its stride (nil:
  /// Keras's default sizes).
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
    self.outputPadding = outputPadding?.perAxis(3)
    super.init(
      rank: 3, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: 1, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }

  override func validate() throws {
    try super.validate()
    if let outputPadding {
      guard outputPadding.count == 3,
        zip(outputPadding, strides).allSatisfy({ $0.0 >= 0 && $0.0 < $0.1 })
      else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "output_padding must be one or three integers ≥ 0 and below the strides "
            + "\(strides), received \(outputPadding)")
      }
    }
  }

  override func kernelShape(channels: Int) -> Shape { Shape(kernelSize + [filters, channels]) }

  override func inputChannels(kernel shape: Shape) -> Int { shape[4] }

  override func convolve(_ x: Tensor, _ kernel: Tensor) throws -> Tensor {
    try Ops.conv3dTranspose(
      x, kernel, strides: strides, padding: padding, outputPadding: outputPadding,
      dilationRate: dilationRate)
  }

  override func convolve(
    _ x: Tensor, _ kernel: Tensor, bias: Tensor, _ activation: FusedActivation
  ) throws -> Tensor? { nil }

  override func outputLength(_ size: Int, axis: Int) -> Int? {
    guard size >= 0 else { return -1 }
    return Ops.transposedAxis(
      size, kernel: kernelSize[axis], stride: strides[axis], dilation: dilationRate[axis],
      padding: padding, outputPadding: outputPadding?[axis])?.size
  }

  /// Keras's config: the convolution's, without `groups`, with `output_padding`.
  public override var config: [String: ConfigValue] {
    var result = super.config
    result["groups"] = nil
    result["output_padding"] = outputPadding.map { .ints($0) } ?? .null
    return result
  }
}

/// What the 2-D and 3-D transposed convolutions share: the output padding, the transposed
/// kernel layout `(*kernelSize, filters, channels)`, Keras's output sizes and the config
/// (the convolution's, with `output_padding` and without `groups`). ``Conv2DTranspose`` and
/// ``Conv3DTranspose`` are this with two or three spatial axes.
/// Equivalent to Keras's `keras.src.layers.convolutional.base_conv_transpose.BaseConvTranspose`.
public class BaseConvTranspose: BaseConv {
  /// Extra cells at the end of the output along each spatial axis, each below its stride (nil:
  /// Keras's default sizes).
  public let outputPadding: [Int]?

  init(
    rank: Int, filters: Int, kernelSize: SpatialSize, strides: SpatialSize, padding: Padding,
    outputPadding: SpatialSize?, dilationRate: SpatialSize, activation: ActivationFunction,
    useBias: Bool, kernelInitializer: Initializer, biasInitializer: Initializer,
    kernelRegularizer: (any Regularizer)?, biasRegularizer: (any Regularizer)?,
    activityRegularizer: (any Regularizer)?, kernelConstraint: (any Constraint)?,
    biasConstraint: (any Constraint)?, name: String?
  ) {
    self.outputPadding = outputPadding?.perAxis(rank)
    super.init(
      rank: rank, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: 1, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }

  override func validate() throws {
    try super.validate()
    if let outputPadding {
      guard outputPadding.count == rank,
        zip(outputPadding, strides).allSatisfy({ $0.0 >= 0 && $0.0 < $0.1 })
      else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "output_padding must be one or \(rank) integers ≥ 0 and below the strides "
            + "\(strides), received \(outputPadding)")
      }
    }
  }

  override func kernelShape(channels: Int) -> Shape { Shape(kernelSize + [filters, channels]) }

  override func inputChannels(kernel shape: Shape) -> Int { shape[rank + 1] }

  override func convolve(_ x: Tensor, _ kernel: Tensor) throws -> Tensor {
    if rank == 3 {
      return try Ops.conv3dTranspose(
        x, kernel, strides: strides, padding: padding, outputPadding: outputPadding,
        dilationRate: dilationRate)
    }
    return try Ops.conv2dTranspose(
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

  /// Keras's transposed convolution config: the convolution's, with `output_padding` and no
  /// `groups`.
  public override var config: [String: ConfigValue] {
    var result = super.config
    result["groups"] = nil
    result["output_padding"] = outputPadding.map { .ints($0) } ?? .null
    return result
  }
}

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
public final class Conv3DTranspose: BaseConvTranspose {
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
    super.init(
      rank: 3, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      outputPadding: outputPadding, dilationRate: dilationRate, activation: activation,
      useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }
}

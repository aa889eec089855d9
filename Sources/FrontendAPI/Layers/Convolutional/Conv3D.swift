/// 3-D convolution over volumes (video frames, scans): `output = activation(conv3d(x, kernel) +
/// bias)`.
///
/// ```swift
/// let conv = Conv3D(8, kernelSize: 3, activation: .relu)
/// let y = try conv(x)   // x: (batch, 16, 64, 64, 1) → y: (batch, 14, 62, 62, 8)
/// ```
/// Input `(batch, depth, height, width, channels)`, kernel `(kernelDepth, kernelHeight,
/// kernelWidth, channels / groups, filters)`, output `(batch, outDepth, outHeight, outWidth,
/// filters)`, each axis sized as ``Conv2D``'s. Runs as 2-D convolutions, one per kernel depth
/// tap (``Ops/conv3d(_:_:strides:padding:dilationRate:)``), so every backend runs it.
/// Channels-last only. Equivalent to `keras.layers.Conv3D`.
public final class Conv3D: BaseConv {
  /// Creates the layer; weights are made at the first call.
  public init(
    _ filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    dilationRate: SpatialSize = 1, groups: Int = 1, activation: ActivationFunction = .linear,
    useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
    biasInitializer: Initializer = .zeros, kernelRegularizer: (any Regularizer)? = nil,
    biasRegularizer: (any Regularizer)? = nil, activityRegularizer: (any Regularizer)? = nil,
    kernelConstraint: (any Constraint)? = nil, biasConstraint: (any Constraint)? = nil,
    name: String? = nil
  ) {
    super.init(
      rank: 3, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }
}

/// 2-D convolution over images: `output = activation(conv2d(x, kernel) + bias)`.
///
/// ```swift
/// let conv = Conv2D(32, kernelSize: 3, padding: .same, activation: .relu)
/// let y = try conv(x)   // x: (batch, 28, 28, 1) → y: (batch, 28, 28, 32)
/// ```
/// Input `(batch, height, width, channels)`, kernel `(kernelHeight, kernelWidth, channels /
/// groups, filters)`, output `(batch, outHeight, outWidth, filters)` with, along each axis,
/// `outSize = (size + padding - ((kernelSize - 1)·dilationRate + 1)) / stride + 1` (`"same"`:
/// `ceil(size / stride)`). Channels-last only. Regularizers and constraints act as on
/// ``Dense``. Equivalent to `keras.layers.Conv2D`.
public final class Conv2D: BaseConv {
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
      rank: 2, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }
}

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
public final class Conv2DTranspose: BaseConvTranspose {
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
      rank: 2, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      outputPadding: outputPadding, dilationRate: dilationRate, activation: activation,
      useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }
}

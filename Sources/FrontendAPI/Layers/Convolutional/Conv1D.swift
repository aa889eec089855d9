/// 1-D convolution over sequences: `output = activation(conv1d(x, kernel) + bias)`.
///
/// ```swift
/// let conv = Conv1D(16, kernelSize: 3, padding: .causal)
/// let y = try conv(x)   // x: (batch, 100, 8) → y: (batch, 100, 16)
/// ```
/// Input `(batch, steps, channels)`, kernel `(kernelSize, channels / groups, filters)`, output
/// `(batch, outSteps, filters)`. `"causal"` padding puts `(kernelSize - 1)·dilationRate` zeros
/// before the sequence only, so output `t` depends on inputs up to `t`. Runs as a 2-D
/// convolution over a height of one. Channels-last only. Equivalent to `keras.layers.Conv1D`.
public final class Conv1D: BaseConv {
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
      rank: 1, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
      dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, name: name)
  }
}

/// A densely connected layer: `output = activation(x · kernel + bias)`.
///
/// ```swift
/// let layer = Dense(128, activation: .relu)
/// let y = try layer(x)   // x: (batch, 784) → y: (batch, 128)
/// ```
/// Input `(batch, ..., inputDim)`, output `(batch, ..., units)`. The kernel is
/// `(inputDim, units)`. Regularizers add their penalties to ``Layer/losses`` (and so to the
/// training loss); constraints project the weights after every optimizer update:
/// ```swift
/// Dense(64, kernelRegularizer: L2(1e-4), kernelConstraint: MaxNorm(3))
/// ```
/// Equivalent to `keras.layers.Dense`.
public final class Dense: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// Output features.
  public let units: Int
  /// Applied to the affine output.
  public let activation: ActivationFunction
  /// The activation's fused form, when a kernel can apply it (looked up once, not per call).
  private let fusedActivation: FusedActivation?
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel starts.
  public let kernelInitializer: Initializer
  /// How the bias starts.
  public let biasInitializer: Initializer
  /// The penalty on the kernel, if any.
  public let kernelRegularizer: (any Regularizer)?
  /// The penalty on the bias, if any.
  public let biasRegularizer: (any Regularizer)?
  /// The penalty on the layer's output (divided by the batch size, as Keras does), if any.
  public let activityRegularizer: (any Regularizer)?
  /// The projection applied to the kernel after each update, if any.
  public let kernelConstraint: (any Constraint)?
  /// The projection applied to the bias after each update, if any.
  public let biasConstraint: (any Constraint)?
  /// The activity penalty of the latest call.
  private let activityLoss = LossSlot()

  /// The `(inputDim, units)` weight matrix, once built.
  public private(set) var kernel: Variable?
  /// The `(units)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the layer; weights are made at the first call.
  public init(
    _ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    activityRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, name: String? = nil
  ) {
    self.units = units
    self.activation = activation
    self.fusedActivation = FusedActivation(activation)
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    self.kernelRegularizer = kernelRegularizer
    self.biasRegularizer = biasRegularizer
    self.activityRegularizer = activityRegularizer
    self.kernelConstraint = kernelConstraint
    self.biasConstraint = biasConstraint
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let kernel else { return InputSpec(minRank: 2) }
    return InputSpec(minRank: 2, axes: [-1: kernel.shape[0]])
  }

  public override func build(inputShape: Shape) throws {
    guard units > 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "units must be positive, received \(units)")
    }
    guard inputShape.rank >= 2, inputShape[inputShape.rank - 1] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 2 with a known last axis, (None, features)",
        received: "\(inputShape)")
    }
    let inputDim = inputShape[inputShape.rank - 1]
    let kernel = try addWeight(
      name: "kernel", shape: [inputDim, units], initializer: kernelInitializer)
    kernel.constraint = kernelConstraint
    self.kernel = kernel
    if useBias {
      let bias = try addWeight(name: "bias", shape: [units], initializer: biasInitializer)
      bias.constraint = biasConstraint
      self.bias = bias
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let kernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    let output: Tensor
    if let fused = fusedActivation, Dispatcher.anyBackendSupports(.dense, x.dtype) {
      // One fused kernel where a backend has one; otherwise the ops one by one.
      output = try Ops.dense(x, kernel.value, bias: bias?.value, activation: fused)
    } else {
      var y = try Ops.matmul(x, kernel.value)
      if let bias { y = try Ops.add(y, bias.value) }
      output = try activation(y)
    }
    if let activityRegularizer {
      let batch = Double(Swift.max(output.rank > 0 ? output.shape[0] : 1, 1))
      let penalty = try Ops.divide(
        activityRegularizer(output), Tensor.scalar(batch, dtype: output.dtype))
      activityLoss.store(penalty)
    }
    return output
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first else { return [units] }
    return Shape(shape.dims.dropLast() + [units])
  }

  /// Keras's Dense config; `quantization_config` is written as Keras's default, `null`
  /// (Plexus does not quantize), and `activity_regularizer` only when set, as Keras does.
  public override var config: [String: ConfigValue] {
    var result = super.config.merging([
      "units": .int(units), "activation": activation.layerConfigValue, "use_bias": .bool(useBias),
      "kernel_initializer": kernelInitializer.serialized.value,
      "bias_initializer": biasInitializer.serialized.value,
      "kernel_regularizer": .optional(kernelRegularizer?.serialized.value),
      "bias_regularizer": .optional(biasRegularizer?.serialized.value),
      "kernel_constraint": .optional(kernelConstraint?.serialized.value),
      "bias_constraint": .optional(biasConstraint?.serialized.value),
      "quantization_config": .null,
    ]) { $1 }
    if let activityRegularizer {
      result["activity_regularizer"] = activityRegularizer.serialized.value
    }
    return result
  }
}

extension Dense: RegularizedLayer {
  /// The kernel, bias and activity penalties (the activity one from the latest call).
  public var regularizationLosses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      if let kernelRegularizer, let kernel { result.append(try kernelRegularizer(kernel.value)) }
      if let biasRegularizer, let bias { result.append(try biasRegularizer(bias.value)) }
      if activityRegularizer != nil, let penalty = activityLoss.load() { result.append(penalty) }
      return result
    }
  }
}

/// A densely connected layer: `output = activation(x · kernel + bias)`.
///
/// ```swift
/// let layer = Dense(128, activation: .relu)
/// let y = try layer(x)   // x: (batch, 784) → y: (batch, 128)
/// ```
/// Input `(batch, ..., inputDim)`, output `(batch, ..., units)`. The kernel is
/// `(inputDim, units)`. Equivalent to `keras.layers.Dense`.
public final class Dense: Layer {
  /// Output features.
  public let units: Int
  /// Applied to the affine output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel starts.
  public let kernelInitializer: Initializer
  /// How the bias starts.
  public let biasInitializer: Initializer

  /// The `(inputDim, units)` weight matrix, once built.
  public private(set) var kernel: Variable?
  /// The `(units)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the layer; weights are made at the first call.
  public init(
    _ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    name: String? = nil
  ) {
    self.units = units
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
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
    kernel = try addWeight(
      name: "kernel", shape: [inputDim, units], initializer: kernelInitializer)
    if useBias {
      bias = try addWeight(name: "bias", shape: [units], initializer: biasInitializer)
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let kernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    var y = try Ops.matmul(x, kernel.value)
    if let bias { y = try Ops.add(y, bias.value) }
    return try activation(y)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first else { return [units] }
    return Shape(shape.dims.dropLast() + [units])
  }

  public override var config: [String: ConfigValue] {
    super.config.merging([
      "units": .int(units), "activation": .string(activation.name), "use_bias": .bool(useBias),
      "kernel_initializer": .string(kernelInitializer.name),
      "bias_initializer": .string(biasInitializer.name),
    ]) { $1 }
  }
}

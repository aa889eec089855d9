extension Ops {
  /// The gradient before `activation` from its output `y = activation(x)` and the gradient
  /// after it, `upstream`: `upstream` where `y > 0` for relu (0 elsewhere, NaN included),
  /// `upstream · y · (1 − y)` for sigmoid, `upstream · (1 − y²)` for tanh. One kernel where a
  /// backend has the ``ActivationGradientKernels`` family, else
  /// ``activationGradientComposite(_:output:upstream:)``; differentiable in both operands.
  public static func activationGradient(
    _ activation: FusedActivation, output y: Tensor, upstream: Tensor
  ) throws -> Tensor {
    let op = "activation_gradient"
    try requireFloat(y, op: op)
    guard upstream.shape == y.shape else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "an upstream gradient of the output's shape \(y.shape)",
        received: "\(upstream.shape)")
    }
    guard upstream.dtype == y.dtype else {
      throw PlexusError.dtypeMismatch(
        context: op, expected: "an upstream gradient in the output's \(y.dtype)",
        received: "\(upstream.dtype)")
    }
    guard activation != .linear else { return upstream }
    return try family(
      .activationGradient, [y, upstream], [.activation: .int(activation.rawValue)],
      output: y.dtype, y.shape
    ) { operands in
      try activationGradientComposite(activation, output: operands[0], upstream: operands[1])
    }
  }

  /// `activation_gradient` from primitives (its kernel's oracle): a comparison and a select
  /// for relu, products for sigmoid and tanh, grouped as the kernels group them.
  public static func activationGradientComposite(
    _ activation: FusedActivation, output y: Tensor, upstream g: Tensor
  ) throws -> Tensor {
    switch activation {
    case .linear: return g
    case .relu:
      let zero = try Tensor.scalar(0, dtype: y.dtype)
      return try Ops.where(Ops.greater(y, zero), g, zero)
    case .sigmoid: return try g * Ops.multiply(y, 1 - y)
    case .tanh: return try g * (1 - Ops.multiply(y, y))
    }
  }
}

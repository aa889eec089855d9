extension GradientRules {
  /// The fused dense kernel's rule: the activation's derivative from the output alone, then the
  /// matrix product's and the bias's gradients.
  static func dense(
    _ attributes: OpAttributes, _ inputs: [Tensor], _ y: Tensor, _ g: Tensor, needs: [Bool]
  ) throws -> [Tensor?] {
    let upstream = try throughActivation(attributes, .dense, y, g)
    let (x, kernel) = (inputs[0], inputs[1])
    let (inner, units) = (kernel.shape[0], kernel.shape[1])
    var gradients: [Tensor?] = [
      needs[0] ? try Ops.matmul(upstream, kernel, transposeB: true) : nil,
      needs[1]
        ? try Ops.matmul(
          Ops.reshape(x, [x.count / Swift.max(inner, 1), inner]),
          Ops.reshape(upstream, [upstream.count / Swift.max(units, 1), units]), transposeA: true)
        : nil,
    ]
    if inputs.count > 2 {
      gradients.append(
        needs[2] ? try Ops.sum(upstream, axes: Array(0..<Swift.max(upstream.rank - 1, 0))) : nil)
    }
    return gradients
  }

  /// The gradient before a fused activation, from the gradient after it and the output alone.
  static func throughActivation(_ attributes: OpAttributes, _ op: OpCode, _ y: Tensor, _ g: Tensor)
    throws -> Tensor
  {
    try Ops.activationGradient(FusedActivation(attributes, of: op), output: y, upstream: g)
  }

  /// The rule of `activation_gradient` (dx = g·f'(x) written from y = f(x)): linear in the
  /// upstream gradient, through the same op; the output's side by its own derivative (relu's
  /// is zero almost everywhere).
  static func activationGradient(
    _ attributes: OpAttributes, _ inputs: [Tensor], _ grad: Tensor, needs: [Bool]
  ) throws -> [Tensor?] {
    let activation = try FusedActivation(attributes, of: .activationGradient)
    let (y, upstream) = (inputs[0], inputs[1])
    let throughUpstream =
      needs[1] ? try Ops.activationGradient(activation, output: y, upstream: grad) : nil
    guard needs[0] else { return [nil, throughUpstream] }
    let throughOutput: Tensor? =
      switch activation {
      case .linear, .relu: nil
      // d/dy of g·y·(1 − y) is g·(1 − 2y); of g·(1 − y²), −2·g·y.
      case .sigmoid: try grad * upstream * (1 - 2 * y)
      case .tanh: try grad * upstream * (-2 * y)
      }
    return [throughOutput, throughUpstream]
  }
}

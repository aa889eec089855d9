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
    let code = try attributes.int(.activation, of: op)
    guard let activation = FusedActivation(rawValue: code) else {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "unknown fused activation \(code)")
    }
    switch activation {
    case .linear: return g
    case .relu: return try Ops.where(Ops.greater(y, zero(y)), g, zero(g))
    case .sigmoid: return try g * Ops.multiply(y, 1 - y)
    case .tanh: return try g * (1 - Ops.square(y))
    }
  }
}

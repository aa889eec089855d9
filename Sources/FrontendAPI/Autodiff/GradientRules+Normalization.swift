extension GradientRules {
  /// True for the normalization family's forward ops, whose rules are below.
  static func isNormalization(_ op: OpCode) -> Bool {
    op == .batchNorm || op == .layerNorm
  }

  /// Batch and layer normalization. A node's inputs are x, gamma, beta, mean and variance: in
  /// training (and for layer normalization) the statistics are the ones the forward pass
  /// computed, kept untracked, and the rule is the family's gradient op, itself one kernel
  /// where a backend has it; in inference they are inputs like the others.
  static func normalization(
    _ op: OpCode, _ a: OpAttributes, _ inputs: [Tensor], _ g: Tensor, needs: [Bool]
  ) throws -> [Tensor?] {
    let epsilon = try a.double(.epsilon, of: op)
    let (x, gamma) = (inputs[0], inputs[1])
    var (mean, variance) = (inputs[3], inputs[4])
    guard op == .batchNorm, !a.bool(.training, default: false) else {
      if !GradientTape.active.isEmpty && [x, gamma, g].contains(where: { $0.tapeID != 0 }) {
        // A gradient of this gradient: it depends on x through the statistics too, which the
        // node keeps untracked, so they are computed again on the recording tape.
        let axes = op == .batchNorm ? Array(0..<(x.rank - 1)) : [x.rank - 1]
        (mean, variance) = try Ops.moments(x, axes: axes)
      }
      let gradient =
        op == .batchNorm ? Ops.batchNormalizationGradient : Ops.layerNormalizationGradient
      let grads = try gradient(x, gamma, mean, variance, g, epsilon)
      return [needs[0] ? grads[0] : nil, needs[1] ? grads[1] : nil, needs[2] ? grads[2] : nil]
        + [nil, nil]
    }
    // Inference: y = x·s + (beta - mean·s) with s = gamma·r, r = 1/sqrt(variance + epsilon),
    // each statistic a constant per feature.
    let axes = Array(0..<(x.rank - 1))
    let r = try Ops.rsqrt(Ops.add(variance, Tensor.scalar(epsilon, dtype: x.dtype)))
    let s = try Ops.multiply(gamma, r)
    var grads = [Tensor?](repeating: nil, count: 5)
    if needs[0] { grads[0] = try g * s }
    if needs[1] || needs[4] {
      let centered = try Ops.sum(g * Ops.subtract(x, mean), axes: axes)
      if needs[1] { grads[1] = try Ops.multiply(centered, r) }
      if needs[4] { grads[4] = try Ops.multiply(centered, Ops.multiply(s, Ops.square(r))) * -0.5 }
    }
    if needs[2] || needs[3] {
      let dbeta = try Ops.sum(g, axes: axes)
      if needs[2] { grads[2] = dbeta }
      if needs[3] { grads[3] = try Ops.negative(Ops.multiply(dbeta, s)) }
    }
    return grads
  }
}

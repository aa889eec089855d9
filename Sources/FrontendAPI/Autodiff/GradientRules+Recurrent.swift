extension GradientRules {
  /// The recurrent family: an `lstm` node's inputs are its six operands (x, kernel, recurrent
  /// kernel, bias, h₀, c₀) and its output the packed sequence, a `gru` node's its five (no c₀)
  /// and its sequence; the rule is the family's gradient op, itself one kernel where a backend
  /// has it.
  static func recurrent(
    _ op: OpCode, _ a: OpAttributes, _ inputs: [Tensor], _ g: Tensor, needs: [Bool]
  ) throws -> [Tensor?] {
    let grads = try Ops.recurrentGradient(
      op, inputs, upstream: g, goBackwards: a.bool(.goBackwards, default: false))
    return zip(grads, needs).map { $1 ? $0 : nil }
  }
}

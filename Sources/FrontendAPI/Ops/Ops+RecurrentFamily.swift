// The recurrent family: a whole LSTM or GRU layer as one kernel where a backend has
// ``RecurrentKernels``, else as the composite below (its steps as primitives). Either way the
// tape records one node whose rule calls the family's gradient op.

extension Ops {
  /// Keras's LSTM over a whole sequence, with sigmoid gates and tanh activations:
  ///
  ///     z = x_t · kernel + h · recurrentKernel + bias       // four blocks: i, f, c, o
  ///     c = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_c);  h = σ(z_o) ⊙ tanh(c)
  ///
  /// for each step of `x` `[batch, steps, features]` from `initialOutput` and `initialCell`
  /// (`[batch, units]`; zeros when nil), from the last step to the first with `goBackwards`.
  /// Returns every step's output `[batch, steps, units]` in the order run, the last output and
  /// the last cell state (`[batch, units]`). The kernel is `[features, 4·units]`, the
  /// recurrent kernel `[units, 4·units]`, the bias `[4·units]` (zeros when nil). One kernel
  /// where a backend has the recurrent family (oneDNN's LSTM primitives), else the steps as
  /// primitives; gradients flow to every input from every result. Equivalent to
  /// `keras.layers.LSTM(return_sequences=True, return_state=True)` with these weights.
  public static func lstm(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor? = nil,
    initialOutput: Tensor? = nil, initialCell: Tensor? = nil, goBackwards: Bool = false
  ) throws -> (sequence: Tensor, output: Tensor, cell: Tensor) {
    let operands = try recurrentOperands(
      "lstm", gates: 4, x, kernel, recurrentKernel, bias, [initialOutput, initialCell])
    let (batch, steps, units) = (x.shape[0], x.shape[1], recurrentKernel.shape[0])
    let attributes: OpAttributes = [.goBackwards: .bool(goBackwards)]
    let packed = try familyOutputs(
      .lstm, operands, attributes, outputs: [(x.dtype, [batch, steps + 1, units])]
    ) { try lstmComposite($0, goBackwards: goBackwards) }[0]
    let tracked = finish(.primitive(.lstm, attributes), packed.buffer, inputs: operands)
    return (
      try slice(tracked, starts: [0, 0, 0], sizes: [batch, steps, units]),
      try reshape(
        slice(tracked, starts: [0, steps - 1, 0], sizes: [batch, 1, units]), [batch, units]),
      try reshape(
        slice(tracked, starts: [0, steps, 0], sizes: [batch, 1, units]), [batch, units])
    )
  }

  /// Keras's GRU with `reset_after` (its default, cuDNN's form) over a whole sequence, with
  /// sigmoid gates and a tanh candidate; the bias `[2, 3·units]` holds the input projection's
  /// row and the recurrent projection's (zeros when nil):
  ///
  ///     x̂ = x_t · kernel + bias[0];  ĥ = h · recurrentKernel + bias[1]   // blocks: z, r, h
  ///     z = σ(x̂_z + ĥ_z);  r = σ(x̂_r + ĥ_r);  h = z ⊙ h + (1 - z) ⊙ tanh(x̂_h + r ⊙ ĥ_h)
  ///
  /// for each step of `x` `[batch, steps, features]` from `initialOutput` (`[batch, units]`;
  /// zeros when nil), from the last step to the first with `goBackwards`. Returns every step's
  /// output `[batch, steps, units]` in the order run and the last one. One kernel where a
  /// backend has the recurrent family (oneDNN's linear-before-reset GRU), else the steps as
  /// primitives. Equivalent to `keras.layers.GRU(return_sequences=True, return_state=True)`
  /// with these weights.
  public static func gru(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor? = nil,
    initialOutput: Tensor? = nil, goBackwards: Bool = false
  ) throws -> (sequence: Tensor, output: Tensor) {
    let operands = try recurrentOperands(
      "gru", gates: 3, x, kernel, recurrentKernel, bias, [initialOutput])
    let (batch, steps, units) = (x.shape[0], x.shape[1], recurrentKernel.shape[0])
    let attributes: OpAttributes = [.goBackwards: .bool(goBackwards)]
    let sequence = try familyOutputs(
      .gru, operands, attributes, outputs: [(x.dtype, [batch, steps, units])]
    ) { try gruComposite($0, goBackwards: goBackwards) }[0]
    let tracked = finish(.primitive(.gru, attributes), sequence.buffer, inputs: operands)
    return (
      tracked,
      try reshape(
        slice(tracked, starts: [0, steps - 1, 0], sizes: [batch, 1, units]), [batch, units])
    )
  }

  /// The gradients of a recurrent op's operands (`lstm`: six, `gru`: five) for the
  /// `upstream` gradient of its output: the family's gradient kernel where a backend has it,
  /// else the composite's gradient. While a tape records the inputs (a gradient of a gradient)
  /// the composite runs op by op, so the tape differentiates it.
  static func recurrentGradient(
    _ op: OpCode, _ operands: [Tensor], upstream: Tensor, goBackwards: Bool
  ) throws -> [Tensor] {
    let inputs = operands + [upstream]
    let composite = { (inputs: [Tensor]) throws -> [Tensor] in
      try recurrentGradientComposite(op, inputs, goBackwards: goBackwards)
    }
    if !GradientTape.active.isEmpty && inputs.contains(where: { $0.tapeID != 0 }) {
      return try composite(inputs)
    }
    return try familyOutputs(
      op == .lstm ? .lstmGradient : .gruGradient, inputs, [.goBackwards: .bool(goBackwards)],
      outputs: operands.map { ($0.dtype, $0.shape) }, composite: composite)
  }

  /// Checks a recurrent op's operands and returns them: x, kernel, recurrent kernel, bias
  /// (`[gates·units]` for the LSTM, `[2, gates·units]` for the GRU), then the initial states,
  /// zeros where not given.
  private static func recurrentOperands(
    _ op: String, gates: Int, _ x: Tensor, _ kernel: Tensor, _ recurrentKernel: Tensor,
    _ bias: Tensor?, _ states: [Tensor?]
  ) throws -> [Tensor] {
    try requireFloat(x, op: op)
    guard x.rank == 3, x.shape[1] > 0 else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "x of rank 3, [batch, steps ≥ 1, features]",
        received: "\(x.shape)")
    }
    guard recurrentKernel.rank == 2, recurrentKernel.shape[0] > 0,
      recurrentKernel.shape[0] <= Int.max / gates
    else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "a recurrent kernel [units ≥ 1, \(gates)·units]",
        received: "\(recurrentKernel.shape)")
    }
    let (batch, units) = (x.shape[0], recurrentKernel.shape[0])
    let width = gates * units
    let state = Shape([batch, units])
    let names = ["initial output", "initial cell state"]
    let operands: [(String, Tensor?, Shape)] =
      [
        ("kernel", kernel, [x.shape[2], width]),
        ("recurrent kernel", recurrentKernel, [units, width]),
        ("bias", bias, gates == 4 ? [width] : [2, width]),
      ] + states.enumerated().map { (names[$0.offset], $0.element, state) }
    var result = [x]
    for (name, given, shape) in operands {
      guard let given else {
        result.append(try Tensor.zeros(shape, dtype: x.dtype))
        continue
      }
      guard given.shape == shape, given.dtype == x.dtype else {
        throw PlexusError.shapeMismatch(
          context: op, expected: "\(name) of \(x.dtype) \(shape)",
          received: "\(given.dtype) \(given.shape)")
      }
      result.append(given)
    }
    return result
  }

  // MARK: Composites, the oracle of the recurrent kernels

  /// `lstm` from primitives, the packed output `[[batch, steps + 1, units]]`: each step's
  /// output in the order run, then the last cell state. `operands` are x, kernel, recurrent
  /// kernel, bias, h₀ and c₀.
  public static func lstmComposite(_ operands: [Tensor], goBackwards: Bool) throws -> [Tensor] {
    let (x, kernel, recurrent, bias) = (operands[0], operands[1], operands[2], operands[3])
    var (h, c) = (operands[4], operands[5])
    let (batch, steps, features) = (x.shape[0], x.shape[1], x.shape[2])
    let units = recurrent.shape[0]
    var rows: [Tensor] = []
    for index in 0..<steps {
      let time = goBackwards ? steps - 1 - index : index
      let input = try reshape(
        slice(x, starts: [0, time, 0], sizes: [batch, 1, features]), [batch, features])
      let z = try add(add(matmul(input, kernel), matmul(h, recurrent)), bias)
      let gate = { (block: Int) throws -> Tensor in
        try slice(z, starts: [0, block * units], sizes: [batch, units])
      }
      let (i, f, g, o) = (
        try sigmoid(gate(0)), try sigmoid(gate(1)), try tanh(gate(2)), try sigmoid(gate(3))
      )
      c = try add(multiply(f, c), multiply(i, g))
      h = try multiply(o, tanh(c))
      rows.append(h)
    }
    return [try stack(rows + [c], axis: 1)]
  }

  /// `gru` from primitives, `[sequence]` `[batch, steps, units]` in the order run. `operands`
  /// are x, kernel, recurrent kernel, bias `[2, 3·units]` and h₀.
  public static func gruComposite(_ operands: [Tensor], goBackwards: Bool) throws -> [Tensor] {
    let (x, kernel, recurrent, bias) = (operands[0], operands[1], operands[2], operands[3])
    var h = operands[4]
    let (batch, steps, features) = (x.shape[0], x.shape[1], x.shape[2])
    let units = recurrent.shape[0]
    let width = 3 * units
    let inputBias = try reshape(slice(bias, starts: [0, 0], sizes: [1, width]), [width])
    let recurrentBias = try reshape(slice(bias, starts: [1, 0], sizes: [1, width]), [width])
    var rows: [Tensor] = []
    for index in 0..<steps {
      let time = goBackwards ? steps - 1 - index : index
      let input = try reshape(
        slice(x, starts: [0, time, 0], sizes: [batch, 1, features]), [batch, features])
      let projected = try add(matmul(input, kernel), inputBias)
      let inner = try add(matmul(h, recurrent), recurrentBias)
      let gate = { (z: Tensor, block: Int) throws -> Tensor in
        try slice(z, starts: [0, block * units], sizes: [batch, units])
      }
      let z = try sigmoid(add(gate(projected, 0), gate(inner, 0)))
      let r = try sigmoid(add(gate(projected, 1), gate(inner, 1)))
      let candidate = try tanh(add(gate(projected, 2), multiply(r, gate(inner, 2))))
      // h' = z ⊙ h + (1 − z) ⊙ ĥ, written as ĥ + z ⊙ (h − ĥ), as the GRU cell writes it.
      h = try add(candidate, multiply(z, subtract(h, candidate)))
      rows.append(h)
    }
    return [try stack(rows, axis: 1)]
  }

  /// `lstm_gradient` or `gru_gradient` from primitives: the composite's gradient,
  /// `J^T · upstream`, taken by a tape over ``lstmComposite(_:goBackwards:)`` (`op` `.lstm`)
  /// or ``gruComposite(_:goBackwards:)``. `inputs` are the operands, then the upstream
  /// gradient of the output.
  public static func recurrentGradientComposite(
    _ op: OpCode, _ inputs: [Tensor], goBackwards: Bool
  ) throws -> [Tensor] {
    var operands = Array(inputs.dropLast())
    let upstream = inputs[inputs.count - 1]
    let forward = op == .lstm ? lstmComposite : gruComposite
    let tape = GradientTape()
    tape.watch(&operands)
    let target = try tape.record {
      try sum(multiply(forward(operands, goBackwards)[0], upstream))
    }
    let gradients = try tape.gradient(of: target, wrt: operands)
    return try zip(gradients, operands).map { gradient, operand in
      try gradient ?? Tensor.zeros(operand.shape, dtype: operand.dtype)
    }
  }
}

// The recurrent family: a whole LSTM layer as one kernel where a backend has
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
    let operands = try lstmOperands(
      x, kernel, recurrentKernel, bias, initialOutput, initialCell)
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

  /// The gradients of the six `lstm` operands for the `upstream` gradient of its packed output
  /// `[batch, steps + 1, units]`: the `lstm_gradient` kernel where a backend has it, else the
  /// composite's gradient. While a tape records the inputs (a gradient of a gradient) the
  /// composite runs op by op, so the tape differentiates it.
  static func lstmGradient(_ operands: [Tensor], upstream: Tensor, goBackwards: Bool) throws
    -> [Tensor]
  {
    let inputs = operands + [upstream]
    if !GradientTape.active.isEmpty && inputs.contains(where: { $0.tapeID != 0 }) {
      return try lstmGradientComposite(inputs, goBackwards: goBackwards)
    }
    return try familyOutputs(
      .lstmGradient, inputs, [.goBackwards: .bool(goBackwards)],
      outputs: operands.map { ($0.dtype, $0.shape) }
    ) { try lstmGradientComposite($0, goBackwards: goBackwards) }
  }

  /// Checks the operands of ``lstm(_:kernel:recurrentKernel:bias:initialOutput:initialCell:goBackwards:)``
  /// and returns all six, zeros where not given.
  private static func lstmOperands(
    _ x: Tensor, _ kernel: Tensor, _ recurrentKernel: Tensor, _ bias: Tensor?,
    _ initialOutput: Tensor?, _ initialCell: Tensor?
  ) throws -> [Tensor] {
    try requireFloat(x, op: "lstm")
    guard x.rank == 3, x.shape[1] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "lstm", expected: "x of rank 3, [batch, steps ≥ 1, features]",
        received: "\(x.shape)")
    }
    guard recurrentKernel.rank == 2, recurrentKernel.shape[0] > 0,
      recurrentKernel.shape[0] <= Int.max / 4
    else {
      throw PlexusError.shapeMismatch(
        context: "lstm", expected: "a recurrent kernel [units ≥ 1, 4·units]",
        received: "\(recurrentKernel.shape)")
    }
    let (batch, units) = (x.shape[0], recurrentKernel.shape[0])
    let state = Shape([batch, units])
    let operands: [(String, Tensor?, Shape)] = [
      ("kernel", kernel, [x.shape[2], 4 * units]),
      ("recurrent kernel", recurrentKernel, [units, 4 * units]),
      ("bias", bias, [4 * units]), ("initial output", initialOutput, state),
      ("initial cell state", initialCell, state),
    ]
    var result = [x]
    for (name, given, shape) in operands {
      guard let given else {
        result.append(try Tensor.zeros(shape, dtype: x.dtype))
        continue
      }
      guard given.shape == shape, given.dtype == x.dtype else {
        throw PlexusError.shapeMismatch(
          context: "lstm", expected: "\(name) of \(x.dtype) \(shape)",
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

  /// `lstm_gradient` from primitives: the composite's gradient, `J^T · upstream`, taken by a
  /// tape over ``lstmComposite(_:goBackwards:)``. `inputs` are the six operands, then the
  /// upstream gradient of the packed output.
  public static func lstmGradientComposite(_ inputs: [Tensor], goBackwards: Bool) throws
    -> [Tensor]
  {
    var operands = Array(inputs.prefix(6))
    let upstream = inputs[6]
    let tape = GradientTape()
    tape.watch(&operands)
    let target = try tape.record {
      try sum(multiply(lstmComposite(operands, goBackwards: goBackwards)[0], upstream))
    }
    let gradients = try tape.gradient(of: target, wrt: operands)
    return try zip(gradients, operands).map { gradient, operand in
      try gradient ?? Tensor.zeros(operand.shape, dtype: operand.dtype)
    }
  }
}

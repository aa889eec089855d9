/// A long short-term memory layer over a whole sequence, forward and backward (op codes
/// `.lstm`, `.lstmGradient`), with Keras's gates, order and activations: for each step,
///
///     z = x_t · kernel + h · recurrentKernel + bias       // four blocks: i, f, c, o
///     c = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_c);  h = σ(z_o) ⊙ tanh(c)
///
/// from `h₀`, `c₀`, over steps `0, 1, …, T-1` (or `T-1, …, 0` with `go_backwards`). The
/// output packs what a layer returns into one buffer `[N, T + 1, U]`: row `k < T` holds `h`
/// after the `k`-th step run (Keras's sequence, in the order run), row `T` the last cell
/// state (the last output is row `T - 1`). The gradient takes the upstream gradient of that
/// buffer, every row of it, and gives the gradients of all six inputs. Operands are checked
/// (``RecurrentLayout``) before a kernel runs.
///
/// A gated recurrent unit (op codes `.gru`, `.gruGradient`) is Keras's GRU with `reset_after`
/// (cuDNN's form), gates in Keras's order z, r, h, the bias's rows the input's and the
/// recurrent projection's:
///
///     x̂ = x_t · kernel + bias[0];  ĥ = h · recurrentKernel + bias[1]   // blocks: z, r, h
///     z = σ(x̂_z + ĥ_z);  r = σ(x̂_r + ĥ_r);  h = z ⊙ h + (1 - z) ⊙ tanh(x̂_h + r ⊙ ĥ_h)
///
/// Its output is every step's `h` `[N, T, U]` in the order run (the last one is the state).
///
/// The frontend's composites (the steps as primitives) run where no backend has the family,
/// and the conformance suite holds a kernel to them.
public protocol RecurrentKernels: Backend {
  /// The forward pass, into `sequence` `[N, T + 1, U]`.
  func lstm(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, initialCell: TensorBuffer, goBackwards: Bool,
    _ sequence: TensorBuffer
  ) throws
  /// The gradients of ``lstm(_:kernel:recurrentKernel:bias:initialOutput:initialCell:goBackwards:_:)``
  /// for the `upstream` gradient of its packed output, in the order of its inputs.
  func lstmGradient(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, initialCell: TensorBuffer, upstream: TensorBuffer,
    goBackwards: Bool, gradients: [TensorBuffer]
  ) throws
  /// The GRU's forward pass, into `sequence` `[N, T, U]`.
  func gru(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, goBackwards: Bool, _ sequence: TensorBuffer
  ) throws
  /// The gradients of ``gru(_:kernel:recurrentKernel:bias:initialOutput:goBackwards:_:)`` for
  /// the `upstream` gradient of its sequence, in the order of its inputs.
  func gruGradient(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, upstream: TensorBuffer, goBackwards: Bool,
    gradients: [TensorBuffer]
  ) throws
}

extension RecurrentKernels {
  /// Runs a recurrent record on this family's kernels after checking every operand, so that
  /// a malformed record throws naming the op before anything is written.
  public func executeRecurrent(_ record: OpRecord) throws {
    let layout = try RecurrentLayout(record)
    let inputs = record.inputs
    switch layout.op {
    case .lstm:
      try lstm(
        inputs[0], kernel: inputs[1], recurrentKernel: inputs[2], bias: inputs[3],
        initialOutput: inputs[4], initialCell: inputs[5], goBackwards: layout.goBackwards,
        record.outputs[0])
    case .lstmGradient:
      try lstmGradient(
        inputs[0], kernel: inputs[1], recurrentKernel: inputs[2], bias: inputs[3],
        initialOutput: inputs[4], initialCell: inputs[5], upstream: inputs[6],
        goBackwards: layout.goBackwards, gradients: record.outputs)
    case .gru:
      try gru(
        inputs[0], kernel: inputs[1], recurrentKernel: inputs[2], bias: inputs[3],
        initialOutput: inputs[4], goBackwards: layout.goBackwards, record.outputs[0])
    default:
      try gruGradient(
        inputs[0], kernel: inputs[1], recurrentKernel: inputs[2], bias: inputs[3],
        initialOutput: inputs[4], upstream: inputs[5], goBackwards: layout.goBackwards,
        gradients: record.outputs)
    }
  }
}

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
/// The frontend's composite (the steps as primitives) runs where no backend has the family,
/// and the conformance suite holds a kernel to it.
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
}

extension RecurrentKernels {
  /// Runs a recurrent record on this family's kernels after checking every operand, so that
  /// a malformed record throws naming the op before anything is written.
  public func executeRecurrent(_ record: OpRecord) throws {
    let layout = try RecurrentLayout(record)
    let inputs = record.inputs
    if layout.op == .lstm {
      try lstm(
        inputs[0], kernel: inputs[1], recurrentKernel: inputs[2], bias: inputs[3],
        initialOutput: inputs[4], initialCell: inputs[5], goBackwards: layout.goBackwards,
        record.outputs[0])
    } else {
      try lstmGradient(
        inputs[0], kernel: inputs[1], recurrentKernel: inputs[2], bias: inputs[3],
        initialOutput: inputs[4], initialCell: inputs[5], upstream: inputs[6],
        goBackwards: layout.goBackwards, gradients: record.outputs)
    }
  }
}

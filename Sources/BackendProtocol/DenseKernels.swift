/// A dense layer's whole forward pass in one kernel (op code `.dense`):
/// `out = activation(x · kernel + bias)`, the matrix product, the bias and the activation
/// fused (GEMM with post-ops). The frontend's composite, a `matmul`, an `add` and the
/// activation, runs where no backend has the family, and it is the kernel's oracle.
public protocol DenseKernels: Backend {
  /// `x` is `[..., K]`, `kernel` `[K, N]`, `bias` (when present) `[N]`, `out` `[..., N]`, all
  /// of one floating-point dtype; checked before the call.
  func dense(
    _ x: TensorBuffer, _ kernel: TensorBuffer, bias: TensorBuffer?,
    activation: FusedActivation, _ out: TensorBuffer
  ) throws
}

extension DenseKernels {
  /// Runs a `dense` record on this family's kernel after checking its operands.
  public func executeDense(_ record: OpRecord) throws {
    let op = record.op
    let x = try record.input(0)
    let kernel = try record.input(1)
    let bias = record.inputs.count > 2 ? try record.input(2) : nil
    let out = try record.output()
    let activation = try FusedActivation(record.attributes, of: op)
    let inner = x.shape.rank > 0 ? x.shape[x.shape.rank - 1] : -1
    let units = kernel.shape.rank == 2 ? kernel.shape[1] : -1
    let expected = Shape(Array(x.shape.dims.dropLast()) + [units])
    guard x.shape.rank > 0, kernel.shape.rank == 2, kernel.shape[0] == inner,
      bias.map({ $0.shape == [units] }) ?? true, out.shape == expected
    else {
      throw PlexusError.shapeMismatch(
        context: "\(op)",
        expected: "x [..., K], kernel [K, N], bias [N] and an output [..., N]",
        received: "\(x.shape), \(kernel.shape), \(bias.map { "\($0.shape)" } ?? "no bias"), "
          + "\(out.shape)")
    }
    for operand in [kernel, out] + (bias.map { [$0] } ?? []) where operand.dtype != x.dtype {
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "every operand in \(x.dtype)", received: "\(operand.dtype)")
    }
    try dense(x, kernel, bias: bias, activation: activation, out)
  }
}

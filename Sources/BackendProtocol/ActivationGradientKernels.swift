/// The gradient before a fused activation, from the activation's output alone (op code
/// `.activationGradient`): what the backward pass of `dense`, `conv2d_bias_activation` and the
/// `relu`, `sigmoid` and `tanh` ops computes, in one pass instead of a comparison and a
/// select (relu) or two products (sigmoid, tanh). The frontend's composite is the oracle.
public protocol ActivationGradientKernels: Backend {
  /// `out = upstream · activation'(x)` written from `y = activation(x)`; `y`, `upstream` and
  /// `out` have one floating-point dtype and one shape, checked before the call. See
  /// ``FusedActivation/gradient(output:upstream:into:count:threads:)``.
  func activationGradient(
    _ activation: FusedActivation, output y: TensorBuffer, upstream: TensorBuffer,
    _ out: TensorBuffer
  ) throws
}

extension ActivationGradientKernels {
  /// Runs an `activation_gradient` record on this family's kernel after checking its operands.
  public func executeActivationGradient(_ record: OpRecord) throws {
    let op = record.op
    let y = try record.input(0)
    let upstream = try record.input(1)
    let out = try record.output()
    let activation = try FusedActivation(record.attributes, of: op)
    guard upstream.shape == y.shape, out.shape == y.shape else {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "an upstream gradient and an output of the output's \(y.shape)",
        received: "\(upstream.shape) and \(out.shape)")
    }
    guard y.dtype.isFloatingPoint, upstream.dtype == y.dtype, out.dtype == y.dtype else {
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "one floating-point dtype for every operand",
        received: "\(y.dtype), \(upstream.dtype) and \(out.dtype)")
    }
    try activationGradient(activation, output: y, upstream: upstream, out)
  }
}

import BackendProtocol

extension OneDNNBackend: ActivationGradientKernels {
  /// The gradient before a fused activation from its output, on the host in one elementwise
  /// pass (``FusedActivation/gradient(output:upstream:into:count:threads:)``): a memory-bound pass
  /// that oneDNN's eltwise backward would not run faster, written once so that every backend
  /// gives the same bits.
  public func activationGradient(
    _ activation: FusedActivation, output y: TensorBuffer, upstream: TensorBuffer,
    _ out: TensorBuffer
  ) throws {
    try checkOperands(.activationGradient, y, upstream, out)
    guard upstream.count == y.count, out.count == y.count else {
      throw PlexusError.shapeMismatch(
        context: "activation_gradient on onednn", expected: "operands of \(y.shape)",
        received: "\(upstream.shape) and \(out.shape)")
    }
    activation.gradient(
      output: y.pointer(Float.self), upstream: upstream.pointer(Float.self),
      into: out.pointer(Float.self), count: y.count, threads: threadCount)
  }
}

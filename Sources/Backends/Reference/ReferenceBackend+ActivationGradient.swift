import BackendProtocol

extension ReferenceBackend: ActivationGradientKernels {
  /// The gradient before a fused activation from its output, in one elementwise pass
  /// (``FusedActivation/gradient(output:upstream:into:count:threads:)``).
  public func activationGradient(
    _ activation: FusedActivation, output y: TensorBuffer, upstream: TensorBuffer,
    _ out: TensorBuffer
  ) throws {
    switch y.dtype {
    case .float32:
      activation.gradient(
        output: y.pointer(Float.self), upstream: upstream.pointer(Float.self),
        into: out.pointer(Float.self), count: y.count, threads: threadCount)
    case .float64:
      activation.gradient(
        output: y.pointer(Double.self), upstream: upstream.pointer(Double.self),
        into: out.pointer(Double.self), count: y.count)
    default: throw unsupported(.activationGradient, y.dtype)
    }
  }
}

import BackendProtocol

/// The fused dense and convolution kernels: oneDNN's product or convolution, then the bias and
/// the activation in one pass over the fresh output (``FusedActivation/apply(toRows:count:columns:bias:)``),
/// which saves the separate bias and activation ops a layer would otherwise dispatch.
extension OneDNNBackend: FusedConvolutionKernels, DenseKernels {
  public func conv2d(
    _ x: TensorBuffer, _ filter: TensorBuffer, bias: TensorBuffer, activation: FusedActivation,
    _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    try fusedConvolution(x, filter, bias: bias, activation: activation, geometry, out)
  }

  public func dense(
    _ x: TensorBuffer, _ kernel: TensorBuffer, bias: TensorBuffer?,
    activation: FusedActivation, _ out: TensorBuffer
  ) throws {
    if x.dtype == .bfloat16 || kernel.dtype == .bfloat16 || out.dtype == .bfloat16
      || bias?.dtype == .bfloat16
    {
      return try denseOfBFloat16(x, kernel, bias: bias, activation: activation, out)
    }
    let (inner, units) = (kernel.shape[0], kernel.shape[1])
    let rows = out.count / Swift.max(units, 1)
    try matmul(
      x.reshaped([rows, inner]), kernel, transposeA: false, transposeB: false,
      out.reshaped([rows, units]))
    activation.apply(
      toRows: out.pointer(Float.self), count: rows, columns: units,
      bias: bias?.pointer(Float.self))
  }
}

extension Ops {
  /// `activation(x · kernel + bias)` for `x` of shape `[..., K]`, `kernel` `[K, N]` and an
  /// optional `bias` `[N]`: one fused kernel (GEMM with the bias and the activation as post-ops)
  /// where a backend has the ``DenseKernels`` family, else ``denseComposite(_:_:bias:activation:)``,
  /// the same ops a `Dense` layer would run one by one.
  public static func dense(
    _ x: Tensor, _ kernel: Tensor, bias: Tensor? = nil, activation: FusedActivation = .linear
  ) throws -> Tensor {
    let op = "dense"
    try requireFloat(x, op: op)
    guard x.rank >= 1, kernel.rank == 2, kernel.shape[0] == x.shape[x.rank - 1],
      bias.map({ $0.shape == [kernel.shape[1]] }) ?? true
    else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "x [..., K], a kernel [K, N] and a bias [N]",
        received: "\(x.shape), \(kernel.shape), \(bias.map { "\($0.shape)" } ?? "no bias")")
    }
    guard kernel.dtype == x.dtype, bias.map({ $0.dtype == x.dtype }) ?? true else {
      throw PlexusError.dtypeMismatch(
        context: op, expected: "a kernel and bias in the input's \(x.dtype)",
        received: "\(kernel.dtype)\(bias.map { " and \($0.dtype)" } ?? "")")
    }
    let shape = Shape(Array(x.shape.dims.dropLast()) + [kernel.shape[1]])
    if Dispatcher.anyBackendSupports(.dense, x.dtype),
      let result = try dispatchFamily(
        .dense, [x, kernel] + (bias.map { [$0] } ?? []),
        [.activation: .int(activation.rawValue)], output: x.dtype, shape)
    {
      return result
    }
    return try denseComposite(x, kernel, bias: bias, activation: activation)
  }

  /// `dense` from primitives: a matrix product, a bias add and the activation, each recorded
  /// on the tape as itself (the fused kernel's oracle).
  public static func denseComposite(
    _ x: Tensor, _ kernel: Tensor, bias: Tensor?, activation: FusedActivation
  ) throws -> Tensor {
    var y = try matmul(x, kernel)
    if let bias { y = try add(y, bias) }
    return try activate(y, activation)
  }
}

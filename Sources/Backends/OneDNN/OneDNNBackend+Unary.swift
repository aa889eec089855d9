import BackendProtocol
import CDNNL

extension OneDNNBackend {
  /// oneDNN's eltwise algorithm and its `alpha`, `beta` for a unary op, or nil.
  static func eltwise(_ op: OpCode) -> (algorithm: dnnl_alg_kind_t, alpha: Float, beta: Float)? {
    switch op {
    case .relu: (dnnl_eltwise_relu, 0, 0)
    case .tanh: (dnnl_eltwise_tanh, 0, 0)
    case .sigmoid: (dnnl_eltwise_logistic, 0, 0)
    case .exp: (dnnl_eltwise_exp, 0, 0)
    case .log: (dnnl_eltwise_log, 0, 0)
    case .sqrt: (dnnl_eltwise_sqrt, 0, 0)
    case .abs: (dnnl_eltwise_abs, 0, 0)
    case .square: (dnnl_eltwise_square, 0, 0)
    // linear: alpha·x + beta, exactly -x.
    case .negate: (dnnl_eltwise_linear, -1, 0)
    default: nil
    }
  }

  /// Elementwise unary op through oneDNN's eltwise primitive, on the elements as one flat run,
  /// cut into parts on the worker pool when large (``parts(forElements:)``).
  public func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws {
    guard let (algorithm, alpha, beta) = Self.eltwise(op) else { throw UnsupportedOp(op) }
    try checkOperands(op, x, out)
    guard out.shape == x.shape else {
      throw PlexusError.shapeMismatch(
        context: "\(op) on onednn", expected: "an output of shape \(x.shape)",
        received: "\(out.shape)")
    }
    let count = x.count
    guard count > 0 else { return }
    if ExactnessGuard.mayDiffer(op, x) { throw UnsupportedOp(op) }
    // Runs of at most two lengths, so at most two plans; made here, before the parts start.
    let runs = Self.elementRuns(count, parts: Self.parts(forElements: count))
    let plans = try runs.map { run in
      let length = run.upper - run.lower
      return try plan(op, variant: 0, sizes: [length]) {
        let data = try memoryDescriptor([length], op)
        var descriptor = dnnl_eltwise_desc_t()
        var dataDescriptor = data
        try check(
          dnnl_eltwise_forward_desc_init(
            &descriptor, dnnl_forward_inference, algorithm, &dataDescriptor, alpha, beta), op,
          "dnnl_eltwise_forward_desc_init")
        return try PrimitivePlan(
          try Primitive(op, &descriptor), op,
          [
            .init(id: DNNL_ARG_SRC, operand: 0, descriptor: data),
            .init(id: DNNL_ARG_DST, operand: 1, descriptor: data),
          ])
      }
    }
    try runParts(runs.count) { index in
      let offset = 4 * runs[index].lower
      try plans[index].run(
        [x.storage.base + offset, out.storage.base + offset], op: op)
    }
  }
}

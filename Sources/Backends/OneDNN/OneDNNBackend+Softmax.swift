import BackendProtocol
import CDNNL

extension OneDNNBackend {
  /// `out = exp(x - max) / sum(exp(x - max))` along the last axis (oneDNN's accurate softmax).
  public func softmax(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    try softmax(.softmax, dnnl_softmax_accurate, x, out)
  }

  /// `out = x - max - log(sum(exp(x - max)))` along the last axis (oneDNN's log-softmax).
  public func logSoftmax(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    try softmax(.logSoftmax, dnnl_softmax_log, x, out)
  }

  /// Either softmax on the rows `[count / width, width]`, `width` being the last axis.
  private func softmax(
    _ op: OpCode, _ algorithm: dnnl_alg_kind_t, _ x: TensorBuffer, _ out: TensorBuffer
  ) throws {
    try checkOperands(op, x, out)
    guard out.shape == x.shape else {
      throw PlexusError.shapeMismatch(
        context: "\(op) on onednn", expected: "an output of shape \(x.shape)",
        received: "\(out.shape)")
    }
    guard x.count > 0 else { return }
    if ExactnessGuard.mayDiffer(op, x) { throw UnsupportedOp(op) }
    let width = x.shape.last ?? 1
    let rows = x.count / width
    // Large inputs run in runs of rows, one per core, on the worker pool (rows are
    // independent, so the cut changes no result); plans made here, before the parts start.
    let parts = Swift.min(Self.parts(forElements: x.count), rows)
    let chunks = (0..<parts).map { (rows * $0 / parts, rows * ($0 + 1) / parts) }
    let plans = try chunks.map { chunk -> PrimitivePlan in
      let dims = [chunk.1 - chunk.0, width]
      return try plan(op, variant: 0, sizes: dims) {
        var data = try memoryDescriptor(dims, op)
        var result = data
        var descriptor = dnnl_softmax_v2_desc_t()
        try check(
          dnnl_softmax_v2_forward_desc_init(
            &descriptor, dnnl_forward_inference, algorithm, &data, &result, 1), op,
          "dnnl_softmax_v2_forward_desc_init")
        return try PrimitivePlan(
          try Primitive(op, &descriptor), op,
          [
            .init(id: DNNL_ARG_SRC, operand: 0, descriptor: data),
            .init(id: DNNL_ARG_DST, operand: 1, descriptor: result),
          ])
      }
    }
    try runParts(chunks.count) { index in
      let offset = 4 * chunks[index].0 * width
      try plans[index].run(
        [x.storage.base + offset, out.storage.base + offset], op: op)
    }
  }
}

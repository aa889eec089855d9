import BackendProtocol
import CDNNL

extension OneDNNBackend {
  /// Batched matrix product through oneDNN's matmul primitive. Batch axes are flattened into
  /// one; a side without them is a batch of 1, which oneDNN broadcasts; a transposed operand
  /// is described by its strides, never copied.
  public func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws {
    try checkOperands(.matmul, a, b, out)
    let geometry = try MatmulGeometry(a, b, transposeA: transposeA, transposeB: transposeB, out)
    guard out.count > 0 else { return }
    let (m, n, k) = (geometry.m, geometry.n, geometry.k)
    guard k > 0 else {
      out.storage.base.initializeMemory(as: Float.self, repeating: 0, count: out.count)
      return
    }
    let batches = geometry.batches
    let aBatches = geometry.aStride == 0 ? 1 : batches
    let bBatches = geometry.bStride == 0 ? 1 : batches
    // A transposed single row or column is the same memory as the untransposed one; saying so
    // keeps oneDNN on its plain layouts.
    let ta = transposeA && m > 1 && k > 1
    let tb = transposeB && k > 1 && n > 1
    let sizes = [batches, m, n, k, aBatches, bBatches]
    try run(
      .matmul, variant: (ta ? 1 : 0) | (tb ? 2 : 0), sizes: sizes,
      [a.storage.base, b.storage.base, out.storage.base]
    ) {
      var source = try memoryDescriptor(
        [aBatches, m, k], strides: [m * k, ta ? 1 : k, ta ? m : 1], .matmul)
      var weights = try memoryDescriptor(
        [bBatches, k, n], strides: [k * n, tb ? 1 : n, tb ? k : 1], .matmul)
      var destination = try memoryDescriptor([batches, m, n], .matmul)
      var descriptor = dnnl_matmul_desc_t()
      try check(
        dnnl_matmul_desc_init(&descriptor, &source, &weights, nil, &destination), .matmul,
        "dnnl_matmul_desc_init")
      return PrimitivePlan(
        try Primitive(.matmul, &descriptor),
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_WEIGHTS, operand: 1, descriptor: weights),
          .init(id: DNNL_ARG_DST, operand: 2, descriptor: destination),
        ])
    }
  }
}

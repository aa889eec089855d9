import BackendProtocol
import CDNNL

extension OneDNNBackend {
  /// Products from this many multiply-adds on are cut into one part per core, each a
  /// single-threaded oneDNN product, run on ``WorkerPool/shared`` (one after another at one
  /// thread; never on an OpenMP team: see ``parallelElementsFrom``). Below it, handing a part
  /// over costs more than half the product.
  public static let splitMultiplyAddsFrom = 1 << 16

  /// A single product of fewer than 4 rows runs whole on `dnnl_sgemm` below this many
  /// multiply-adds.
  public static let fewRowsSgemmMultiplyAddsBelow = 1 << 19

  /// Products under this many multiply-adds run on the host kernels when the backend runs
  /// small ops there (``smallOpsOnHostBelow``): a primitive's launch costs more than they do.
  public static let hostMultiplyAddsBelow = 1 << 15

  /// Batched matrix product through oneDNN's matmul primitive. Batch axes are flattened into
  /// one; a side without them is a batch of 1, which oneDNN broadcasts; a transposed operand
  /// is described by its strides, never copied.
  public func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws {
    if a.dtype == .bfloat16 || b.dtype == .bfloat16 || out.dtype == .bfloat16 {
      try checkOperand(.matmul, out, .bfloat16)
      let wide = try TensorBuffer.allocate(.float32, out.shape)
      try productOfBFloat16(a, b, transposeA: transposeA, transposeB: transposeB, into: wide)
      BFloat16.narrow(wide, into: out)
      return
    }
    try checkOperands(.matmul, a, b, out)
    let geometry = try MatmulGeometry(a, b, transposeA: transposeA, transposeB: transposeB, out)
    guard out.count > 0 else { return }
    guard geometry.k > 0 else {
      out.storage.base.initializeMemory(as: Float.self, repeating: 0, count: out.count)
      return
    }
    // out.count = batches·m·n is bounded (a validated buffer), k too: the product may not be.
    let (work, overflow) = out.count.multipliedReportingOverflow(by: geometry.k)
    if hostElementsBelow > 0 && !overflow && work < Self.hostMultiplyAddsBelow {
      try hostKernels.matmul(a, b, transposeA: transposeA, transposeB: transposeB, out)
      return
    }
    // A single product of a few rows (a one-sample layer) runs whole, through oneDNN's sgemm
    // function: the same JIT kernels without a primitive's launch (argument map, memory
    // objects, scratchpad), which costs more than the product here, and without a cut, whose
    // hand-over to the pool costs more than it saves. A one-sample predict of the MLP through
    // the C ABI: 11.3–16.9 µs cut in two, 10.6–11.3 whole as a primitive, 9.7–10.1 on sgemm
    // (alternating runs). The `'N'` / `'T'` codes are ASCII 78 / 84.
    if geometry.batches == 1, geometry.m < 4, !overflow, work < Self.fewRowsSgemmMultiplyAddsBelow {
      useOneOpenMPThread()
      let status = dnnl_sgemm(
        geometry.transposeA ? 84 : 78, geometry.transposeB ? 84 : 78, Int64(geometry.m),
        Int64(geometry.n), Int64(geometry.k), 1, a.pointer(Float.self), Int64(geometry.lda),
        b.pointer(Float.self), Int64(geometry.ldb), 0, out.pointer(Float.self),
        Int64(geometry.n))
      if status == dnnl_success { return }
      throw PlexusError.unsupported(
        op: "matmul (dnnl_sgemm status \(status.rawValue))", dtype: .float32, backend: name)
    }
    try multiply(
      Product(geometry), a, b, out, whole: !overflow && work < Self.splitMultiplyAddsFrom)
  }

  /// The product of bfloat16 `a` and `b` accumulated and written in float32 into `wide` (not
  /// rounded: the caller rounds it once, alone or after a fused bias and activation), on
  /// oneDNN's bfloat16 kernels (`avx512_core_bf16`'s dot products of bfloat16 pairs).
  func productOfBFloat16(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    into wide: TensorBuffer
  ) throws {
    guard Self.computesBFloat16 else {
      throw PlexusError.unsupported(op: "matmul", dtype: .bfloat16, backend: name)
    }
    try checkOperand(.matmul, a, .bfloat16)
    try checkOperand(.matmul, b, .bfloat16)
    try checkOperand(.matmul, wide)
    let geometry = try MatmulGeometry(a, b, transposeA: transposeA, transposeB: transposeB, wide)
    guard wide.count > 0 else { return }
    guard geometry.k > 0 else {
      wide.storage.base.initializeMemory(as: Float.self, repeating: 0, count: wide.count)
      return
    }
    let (work, overflow) = wide.count.multipliedReportingOverflow(by: geometry.k)
    try multiply(
      Product(geometry, inputs: .bfloat16), a, b, wide,
      whole: !overflow && work < Self.splitMultiplyAddsFrom)
  }

  /// Runs `product` (inputs of its ``Product/inputs`` dtype, a float32 output): whole on this
  /// thread when it is too small to cut (`whole`), else in one part per core.
  private func multiply(
    _ product: Product, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer,
    whole: Bool
  ) throws {
    let operands = [a.storage.base, b.storage.base, out.storage.base]
    // The cut depends on the sizes and the machine, never on the thread setting: oneDNN picks
    // its kernel (and with it the order of a dot product's sums) by shape, so a product cut
    // at two threads and whole at one would differ in the last bits.
    let parts = WorkerPool.shared.workerCount + 1
    if whole || parts == 1 {
      try run(.matmul, variant: product.variant, sizes: product.sizes, operands) {
        try product.plan()
      }
      return
    }
    let split = ProductSplit(
      batches: product.batches, m: product.m, n: product.n, k: product.k,
      transposeB: product.transposeB, parts: parts)
    // Plans are made (or found) here, on the calling thread, before the parts start.
    let pieces = split.blocks.map { product.part(split.axis, $0.lower, $0.upper) }
    let plans = try pieces.map { piece in
      try plan(.matmul, variant: piece.variant, sizes: piece.sizes) {
        try piece.plan()
      }
    }
    // Split sums: the first part writes the output, each other one a scratch output of its own,
    // added in after the join (in part order, so the result depends on the sizes alone).
    let partials =
      split.axis == .sums
      ? TensorBuffer(dtype: .float32, shape: [pieces.count - 1, product.m, product.n]) : nil
    try runParts(pieces.count) { index in
      let offsets = pieces[index].offsets
      let size = product.inputs.byteSize
      var pointers = [
        operands[0] + size * offsets.a, operands[1] + size * offsets.b,
        operands[2] + 4 * offsets.out,
      ]
      if let partials, index > 0 {
        pointers[2] = partials.storage.base + 4 * (index - 1) * product.m * product.n
      }
      try plans[index].run(pointers, op: .matmul)
    }
    if let partials {
      let total = out.pointer(Float.self)
      let count = product.m * product.n
      for part in 0..<(pieces.count - 1) {
        let partial = partials.pointer(Float.self) + part * count
        for index in 0..<count { total[index] += partial[index] }
      }
    }
  }
}

/// One product (or one part of a split product) in oneDNN's terms: the sizes its descriptors
/// are built from, and where its operands start.
private struct Product {
  let batches: Int
  let aBatches: Int
  let bBatches: Int
  let m: Int
  let n: Int
  let k: Int
  /// The sizes of the whole product, which stay the strides of any part.
  let fullM: Int
  let fullN: Int
  let fullK: Int
  let transposeA: Bool
  let transposeB: Bool
  /// Element offsets of this part's first elements in `a`, `b` and `out`.
  let offsets: (a: Int, b: Int, out: Int)
  /// The dtype of `a` and `b` (float32 or bfloat16); `out` is float32.
  let inputs: DType

  init(_ geometry: MatmulGeometry, inputs: DType = .float32) {
    self.inputs = inputs
    (m, n, k) = (geometry.m, geometry.n, geometry.k)
    (fullM, fullN, fullK) = (m, n, k)
    batches = geometry.batches
    aBatches = geometry.aStride == 0 ? 1 : batches
    bBatches = geometry.bStride == 0 ? 1 : batches
    // A transposed single row or column is the same memory as the untransposed one; saying so
    // keeps oneDNN on its plain layouts.
    transposeA = geometry.transposeA && m > 1 && k > 1
    transposeB = geometry.transposeB && k > 1 && n > 1
    offsets = (0, 0, 0)
  }

  private init(
    _ whole: Product, batches: Int, m: Int, n: Int, k: Int? = nil,
    offsets: (a: Int, b: Int, out: Int)
  ) {
    self.batches = batches
    aBatches = whole.aBatches == 1 ? 1 : batches
    bBatches = whole.bBatches == 1 ? 1 : batches
    (self.m, self.n, self.k) = (m, n, k ?? whole.k)
    (fullM, fullN, fullK) = (whole.fullM, whole.fullN, whole.fullK)
    (transposeA, transposeB) = (whole.transposeA, whole.transposeB)
    self.offsets = offsets
    inputs = whole.inputs
  }

  /// The part `lower..<upper` along `axis`.
  func part(_ axis: ProductSplit.Axis, _ lower: Int, _ upper: Int) -> Product {
    let size = upper - lower
    switch axis {
    case .batches:
      return Product(
        self, batches: size, m: m, n: n,
        offsets: (
          aBatches == 1 ? 0 : lower * m * k, bBatches == 1 ? 0 : lower * k * n, lower * m * n
        ))
    case .rows:
      return Product(
        self, batches: batches, m: size, n: n,
        offsets: (transposeA ? lower : lower * k, 0, lower * n))
    case .columns:
      return Product(
        self, batches: batches, m: m, n: size,
        offsets: (0, transposeB ? lower * k : lower, lower))
    case .sums:
      // A single batch (ProductSplit cuts sums only then); the output offset is the caller's.
      return Product(
        self, batches: batches, m: m, n: n, k: size,
        offsets: (transposeA ? lower * fullM : lower, transposeB ? lower : lower * fullN, 0))
    }
  }

  var variant: Int { (transposeA ? 1 : 0) | (transposeB ? 2 : 0) | (inputs == .float32 ? 0 : 4) }

  var sizes: [Int] { [batches, aBatches, bBatches, m, n, k, fullM, fullN, fullK] }

  /// The product's matmul primitive: operands described by the whole operands' strides, so a
  /// block of rows or columns is read and written in place.
  ///
  /// A single batch gets the batch stride of a dense operand of its own sizes (it is never
  /// stepped over): oneDNN's `brg` kernels take only dense operands, and a part's batch stride
  /// (the whole product's) made them decline the row blocks of a split product, which then ran
  /// on `gemm:jit` (the CNN's 64×1600×128 block, by oneDNN's own timing in training: 413 µs
  /// on `gemm:jit`, 270 µs on `brg`).
  func plan() throws -> PrimitivePlan {
    func batchStride(_ batches: Int, whole: Int, part: Int) -> Int {
      batches == 1 ? part : whole
    }
    let type = inputs == .bfloat16 ? dnnl_bf16 : dnnl_f32
    var source = try memoryDescriptor(
      [aBatches, m, k],
      strides: [
        batchStride(aBatches, whole: fullM * fullK, part: m * k), transposeA ? 1 : fullK,
        transposeA ? fullM : 1,
      ], .matmul, type: type)
    var weights = try memoryDescriptor(
      [bBatches, k, n],
      strides: [
        batchStride(bBatches, whole: fullK * fullN, part: k * n), transposeB ? 1 : fullN,
        transposeB ? fullK : 1,
      ], .matmul, type: type)
    var destination = try memoryDescriptor(
      [batches, m, n],
      strides: [batchStride(batches, whole: fullM * fullN, part: m * n), fullN, 1],
      .matmul)
    var descriptor = dnnl_matmul_desc_t()
    try check(
      dnnl_matmul_desc_init(&descriptor, &source, &weights, nil, &destination), .matmul,
      "dnnl_matmul_desc_init")
    return try PrimitivePlan(
      try Primitive(.matmul, &descriptor), .matmul,
      [
        .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
        .init(id: DNNL_ARG_WEIGHTS, operand: 1, descriptor: weights),
        .init(id: DNNL_ARG_DST, operand: 2, descriptor: destination),
      ])
  }
}

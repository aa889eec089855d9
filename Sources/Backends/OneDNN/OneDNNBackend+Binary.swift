import BackendProtocol
import CDNNL

extension OneDNNBackend {
  /// How a binary op meets oneDNN's rule that only the second source broadcasts.
  private enum BinaryCase: Int {
    /// `a` spans the output: `binary(a, b)`.
    case direct
    /// `b` spans the output and the op commutes: `binary(b, a)`.
    case swapped
    /// Otherwise: a reorder lays `a` out over the whole output (stride 0 where it is
    /// broadcast), then `binary(out, b)` runs in place.
    case broadcastFirst
  }

  /// oneDNN's binary algorithm for an op, or nil.
  private static func binaryAlgorithm(_ op: OpCode) -> dnnl_alg_kind_t? {
    switch op {
    case .add: dnnl_binary_add
    case .subtract: dnnl_binary_sub
    case .multiply: dnnl_binary_mul
    case .divide: dnnl_binary_div
    case .maximum: dnnl_binary_max
    case .minimum: dnnl_binary_min
    default: nil
    }
  }

  /// Elementwise binary op with NumPy broadcasting, through oneDNN's binary primitive.
  public func binary(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer)
    throws
  {
    guard let algorithm = Self.binaryAlgorithm(op) else { throw UnsupportedOp(op) }
    try checkOperands(op, a, b, out)
    guard let layout = BinaryLayout(a.shape, b.shape, out.shape) else {
      throw PlexusError.shapeMismatch(
        context: "\(op) on onednn",
        expected: "an output of the broadcast shape of \(a.shape) and \(b.shape)",
        received: "\(out.shape)")
    }
    guard out.count > 0 else { return }
    if ExactnessGuard.mayDiffer(op, a) || ExactnessGuard.mayDiffer(op, b) {
      throw UnsupportedOp(op)
    }
    guard layout.rank <= Int(DNNL_MAX_NDIMS) else { throw UnsupportedOp(op) }
    let commutes = op != .subtract && op != .divide
    let binaryCase: BinaryCase =
      layout.aSpansAll ? .direct : layout.bSpansAll && commutes ? .swapped : .broadcastFirst
    let parts = Swift.min(Self.parts(forElements: out.count), layout.dims.first ?? 1)
    if parts > 1, binaryCase != .broadcastFirst {
      try binaryInParts(op, algorithm, layout, binaryCase, parts, a, b, out)
      return
    }
    try run(
      op, variant: binaryCase.rawValue, sizes: layout.key,
      [a.storage.base, b.storage.base, out.storage.base]
    ) {
      try Self.binaryPlan(op, algorithm, layout, binaryCase)
    }
  }

  /// A large binary op cut along its first (collapsed) axis into `parts` runs of rows, each a
  /// single-threaded primitive on the worker pool; an operand broadcast along that axis is
  /// read whole by every part. Elementwise, so the cut changes no result.
  private func binaryInParts(
    _ op: OpCode, _ algorithm: dnnl_alg_kind_t, _ layout: BinaryLayout, _ binaryCase: BinaryCase,
    _ parts: Int, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer
  ) throws {
    let dims = layout.dims
    let (aDims, bDims) = (layout.aDims, layout.bDims)
    let rows = dims[0]
    func tail(_ sizes: [Int]) -> Int { sizes.dropFirst().reduce(1, *) }
    let chunks = (0..<parts).map { (rows * $0 / parts, rows * ($0 + 1) / parts) }
    // Plans made (or found) here, on the calling thread, before the parts start.
    let plans = try chunks.map { chunk -> PrimitivePlan in
      let count = chunk.1 - chunk.0
      func part(_ sizes: [Int]) -> Shape {
        Shape(sizes[0] == rows ? [count] + sizes.dropFirst() : sizes)
      }
      guard let piece = BinaryLayout(part(aDims), part(bDims), part(dims)) else {
        throw PlexusError.invalidState(
          context: "\(op) on onednn", message: "a part of \(dims) has no broadcast layout")
      }
      return try plan(op, variant: binaryCase.rawValue, sizes: piece.key) {
        try Self.binaryPlan(op, algorithm, piece, binaryCase)
      }
    }
    try runParts(chunks.count) { index in
      let lower = chunks[index].0
      func offset(_ sizes: [Int]) -> Int { sizes[0] == rows ? 4 * lower * tail(sizes) : 0 }
      try plans[index].run(
        [
          a.storage.base + offset(aDims), b.storage.base + offset(bDims),
          out.storage.base + offset(dims),
        ], op: op)
    }
  }

  /// Builds the plan of one binary case; operands are a = 0, b = 1, out = 2.
  private static func binaryPlan(
    _ op: OpCode, _ algorithm: dnnl_alg_kind_t, _ layout: BinaryLayout, _ binaryCase: BinaryCase
  ) throws -> PrimitivePlan {
    let full = try memoryDescriptor(layout.dims, op)
    let (first, second) = binaryCase == .swapped ? (1, 0) : (0, 1)
    var steps: [PrimitivePlan.Step] = []
    var firstOperand = first
    if binaryCase == .broadcastFirst {
      let spread = try memoryDescriptor(layout.dims, strides: layout.aBroadcastStrides, op)
      steps.append(
        .init(
          primitive: try Primitive(op, reorderFrom: spread, to: full),
          arguments: [
            .init(id: DNNL_ARG_FROM, operand: 0, descriptor: spread),
            .init(id: DNNL_ARG_TO, operand: 2, descriptor: full),
          ]))
      firstOperand = 2
    }
    var source0 = full
    var source1 = try memoryDescriptor(binaryCase == .swapped ? layout.aDims : layout.bDims, op)
    var destination = full
    var descriptor = dnnl_binary_desc_t()
    try check(
      dnnl_binary_desc_init(&descriptor, algorithm, &source0, &source1, &destination), op,
      "dnnl_binary_desc_init")
    steps.append(
      .init(
        primitive: try Primitive(op, &descriptor),
        arguments: [
          .init(id: DNNL_ARG_SRC_0, operand: firstOperand, descriptor: source0),
          .init(id: DNNL_ARG_SRC_1, operand: second, descriptor: source1),
          .init(id: DNNL_ARG_DST, operand: 2, descriptor: destination),
        ]))
    return try PrimitivePlan(steps, op)
  }
}

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
    try run(
      op, variant: binaryCase.rawValue, sizes: layout.key,
      [a.storage.base, b.storage.base, out.storage.base]
    ) {
      try Self.binaryPlan(op, algorithm, layout, binaryCase)
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

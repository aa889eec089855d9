import BackendProtocol
import CDNNL

extension OneDNNBackend {
  /// oneDNN's reduction algorithm for an op and the value of a reduction over no elements.
  private static func reduction(_ op: OpCode) -> (algorithm: dnnl_alg_kind_t, empty: Float)? {
    switch op {
    case .sum: (dnnl_reduction_sum, 0)
    case .prod: (dnnl_reduction_mul, 1)
    case .max: (dnnl_reduction_max, -.infinity)
    case .min: (dnnl_reduction_min, .infinity)
    default: nil
    }
  }

  /// Reduces over `axes` (sorted, unique, non-empty) through oneDNN's reduction primitive.
  /// Neighbouring axes that are both reduced or both kept are merged and size-1 axes dropped
  /// first, so `[a, b, c]` over `[1, 2]` runs as `[a, b·c]` over its last axis.
  public func reduce(_ op: OpCode, _ x: TensorBuffer, axes: [Int], _ out: TensorBuffer) throws {
    guard let (algorithm, empty) = Self.reduction(op) else { throw UnsupportedOp(op) }
    try checkOperands(op, x, out)
    let rank = x.shape.rank
    guard !axes.isEmpty, zip(axes, axes.dropFirst()).allSatisfy({ $0 < $1 }),
      let first = axes.first, let last = axes.last, first >= 0, last < rank
    else {
      throw PlexusError.invalidArgument(
        context: "\(op) on onednn",
        message: "expected sorted, unique axes in 0..<\(rank), received \(axes)")
    }
    let kept = (0..<rank).filter { !axes.contains($0) }.map { x.shape[$0] }
    guard out.shape.dims == kept else {
      throw PlexusError.shapeMismatch(
        context: "\(op) on onednn", expected: "an output of shape \(Shape(kept))",
        received: "\(out.shape)")
    }
    guard out.count > 0 else { return }
    guard x.count > 0 else {
      out.pointer(Float.self).update(repeating: empty, count: out.count)
      return
    }
    if ExactnessGuard.mayDiffer(op, x) { throw UnsupportedOp(op) }
    var dims: [Int] = []
    var reduced: [Bool] = []
    for axis in 0..<rank where x.shape[axis] != 1 {
      let flag = axes.contains(axis)
      if reduced.last == flag {
        dims[dims.count - 1] *= x.shape[axis]
      } else {
        dims.append(x.shape[axis])
        reduced.append(flag)
      }
    }
    guard reduced.contains(true) else {
      // Only size-1 axes are reduced: the result is the input.
      out.storage.base.copyMemory(from: x.storage.base, byteCount: x.count * 4)
      return
    }
    guard dims.count <= Int(DNNL_MAX_NDIMS) else { throw UnsupportedOp(op) }
    let sizes = dims + reduced.map { $0 ? 1 : 0 }
    try run(op, variant: 0, sizes: sizes, [x.storage.base, out.storage.base]) {
      var source = try memoryDescriptor(dims, op)
      var destination = try memoryDescriptor(zip(dims, reduced).map { $1 ? 1 : $0 }, op)
      var descriptor = dnnl_reduction_desc_t()
      try check(
        dnnl_reduction_desc_init(&descriptor, algorithm, &source, &destination, 0, 0), op,
        "dnnl_reduction_desc_init")
      return PrimitivePlan(
        try Primitive(op, &descriptor),
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_DST, operand: 1, descriptor: destination),
        ])
    }
  }
}

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

  /// Reduces over `axes` (sorted, unique, non-empty) as ``ReductionRuns`` lays it out: over
  /// the last axis of `[outer, reduced]` with oneDNN's reduction primitive, or, for a sum over
  /// `[outer, reduced, inner]`, as the product of a row of ones with each `[reduced, inner]`
  /// matrix. Other layouts answer unsupported (``supports(_:)`` declines them up front).
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
    guard let runs = ReductionRuns(x.shape, axes: axes), runs.runsFast(op) else {
      throw UnsupportedOp(op)
    }
    if ExactnessGuard.mayDiffer(op, x) { throw UnsupportedOp(op) }
    guard runs.reduced > 1 else {
      // Only size-1 axes are reduced: the result is the input.
      out.storage.base.copyMemory(from: x.storage.base, byteCount: x.count * 4)
      return
    }
    guard runs.inner == 1 else {
      try sumAsProduct(runs, x, out)
      return
    }
    let dims = [runs.outer, runs.reduced]
    try run(op, variant: 0, sizes: dims, [x.storage.base, out.storage.base]) {
      var source = try memoryDescriptor(dims, op)
      var destination = try memoryDescriptor([runs.outer, 1], op)
      var descriptor = dnnl_reduction_desc_t()
      try check(
        dnnl_reduction_desc_init(&descriptor, algorithm, &source, &destination, 0, 0), op,
        "dnnl_reduction_desc_init")
      return try PrimitivePlan(
        try Primitive(op, &descriptor), op,
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_DST, operand: 1, descriptor: destination),
        ])
    }
  }

  /// `out[o, j] = Σᵣ x[o, r, j]` as the product `ones[1, reduced] · x[o]` for every `o`. A
  /// large sum over the leading axes alone (a bias's gradient: `outer` 1) is cut along `r`
  /// into one part per core, whose partial sums are added in part order after: the cut
  /// depends on the sizes and the machine only, so the result does not depend on the thread
  /// setting.
  private func sumAsProduct(_ runs: ReductionRuns, _ x: TensorBuffer, _ out: TensorBuffer) throws {
    let parts = runs.outer == 1 ? Self.parts(forElements: x.count) : 1
    let cuts = Self.elementRuns(runs.reduced, parts: parts)
    guard cuts.count > 1 else {
      try sumAsProduct(runs.outer, runs.reduced, runs.inner, x.storage.base, out.storage.base)
      return
    }
    let partials = (1..<cuts.count).map { _ in
      TensorBuffer(dtype: .float32, shape: [runs.inner])
    }
    // Plans made (or found) here, on the calling thread, before the parts start.
    for cut in Set(cuts.map { $0.upper - $0.lower }) {
      _ = try productPlan(1, cut, runs.inner)
    }
    try runParts(cuts.count) { index in
      let (lower, upper) = cuts[index]
      try sumAsProduct(
        1, upper - lower, runs.inner, x.storage.base + 4 * lower * runs.inner,
        index == 0 ? out.storage.base : partials[index - 1].storage.base)
    }
    let total = out.pointer(Float.self)
    for partial in partials {
      let values = partial.pointer(Float.self)
      for column in 0..<runs.inner { total[column] += values[column] }
    }
  }

  /// `out[o, j] = Σᵣ x[o, r, j]` over an `[outer, reduced, inner]` block at `x`.
  private func sumAsProduct(
    _ outer: Int, _ reduced: Int, _ inner: Int, _ x: UnsafeMutableRawPointer,
    _ out: UnsafeMutableRawPointer
  ) throws {
    let ones = TensorBuffer(dtype: .float32, shape: [reduced])
    ones.pointer(Float.self).update(repeating: 1, count: reduced)
    try productPlan(outer, reduced, inner).run([ones.storage.base, x, out], op: .sum)
  }

  /// The cached plan of `ones[1, reduced] · x[o]` for every `o` of an `[outer, reduced, inner]`
  /// block.
  private func productPlan(_ outer: Int, _ reduced: Int, _ inner: Int) throws -> PrimitivePlan {
    let sizes = [outer, reduced, inner]
    return try plan(.sum, variant: 1, sizes: sizes) {
      var source = try memoryDescriptor([1, 1, reduced], .sum)
      var weights = try memoryDescriptor(sizes, .sum)
      var destination = try memoryDescriptor([outer, 1, inner], .sum)
      var descriptor = dnnl_matmul_desc_t()
      try check(
        dnnl_matmul_desc_init(&descriptor, &source, &weights, nil, &destination), .sum,
        "dnnl_matmul_desc_init")
      return try PrimitivePlan(
        try Primitive(.sum, &descriptor), .sum,
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_WEIGHTS, operand: 1, descriptor: weights),
          .init(id: DNNL_ARG_DST, operand: 2, descriptor: destination),
        ])
    }
  }
}

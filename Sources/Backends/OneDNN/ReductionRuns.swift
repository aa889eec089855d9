import BackendProtocol

/// A reduction as oneDNN's fast kernels see it: size-1 axes dropped and neighbouring axes that
/// are both kept or both reduced merged, leaving `[outer, reduced, inner]` when the reduced
/// axes form one run.
///
/// oneDNN 2.6 has JIT reduction kernels only for a reduced run that is innermost
/// (`inner == 1`); any other layout runs in its reference code (`ref:any`, measured at
/// 0.4 GB/s, a hundred times slower than the reference backend). The backend sums such a
/// layout as a product with a row of ones, and leaves the other reductions to the reference
/// backend.
struct ReductionRuns {
  /// Elements before, within and after the reduced run (`reduced` is 1 when only size-1 axes
  /// are reduced).
  let outer: Int
  let reduced: Int
  let inner: Int

  /// The runs of reducing `shape` over `axes`, or nil when the reduced axes form more than
  /// one run.
  init?(_ shape: Shape, axes: [Int]) {
    var (outer, reduced, inner) = (1, 1, 1)
    // 0: before the reduced run, 1: inside it, 2: after it.
    var stage = 0
    for axis in 0..<shape.rank where shape[axis] != 1 {
      let size = shape[axis]
      let isReduced = axes.contains(axis)
      switch (stage, isReduced) {
      case (0, false): outer = saturatingProduct(outer, size)
      case (0, true), (1, true):
        stage = 1
        reduced = saturatingProduct(reduced, size)
      case (1, false), (2, false):
        stage = 2
        inner = saturatingProduct(inner, size)
      default: return nil  // a second reduced run
      }
    }
    (self.outer, self.reduced, self.inner) = (outer, reduced, inner)
  }

  /// Whether oneDNN runs `op` on this layout with a JIT kernel (directly, or as a product).
  func runsFast(_ op: OpCode) -> Bool { inner == 1 || op == .sum }
}

/// How a binary op walks two operands broadcast to its output's shape, NumPy's way: shapes are
/// aligned at their last axes, and an operand's axis of size 1 (or a missing leading axis)
/// repeats along the output's.
///
/// The output's axes of size 1 are dropped and neighbouring axes merged wherever both operands
/// stay in step, so that equal shapes are one flat run and `[N, C] + [C]` is `N` runs of `C`.
/// Each merged axis keeps each operand's element stride along it (0 where the operand repeats);
/// along the innermost one those strides are 0 or 1.
struct BroadcastPlan {
  /// The merged axes' sizes, outermost first.
  private var sizes: [Int] = []
  /// `a`'s element stride along each merged axis.
  private var aStrides: [Int] = []
  /// `b`'s element stride along each merged axis.
  private var bStrides: [Int] = []

  /// The broadcast shape of `a` and `b`, or nil when some pair of aligned sizes differs and
  /// neither is 1.
  static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var shape = [Int](repeating: 1, count: rank)
    for fromEnd in 0..<rank {
      let sizeA = fromEnd < a.count ? a[a.count - 1 - fromEnd] : 1
      let sizeB = fromEnd < b.count ? b[b.count - 1 - fromEnd] : 1
      if sizeA == sizeB || sizeB == 1 {
        shape[rank - 1 - fromEnd] = sizeA
      } else if sizeA == 1 {
        shape[rank - 1 - fromEnd] = sizeB
      } else {
        return nil
      }
    }
    return shape
  }

  /// The walk of `a` and `b` into `out`, which must be `shape(a, b)` and hold elements (so every
  /// size is at least 1, and every stride is at most an operand's element count).
  init(a: [Int], b: [Int], out: [Int]) {
    // Innermost first while building: (size, a's stride, b's stride).
    var axes: [(size: Int, a: Int, b: Int)] = []
    var (runA, runB) = (1, 1)
    for fromEnd in 0..<out.count {
      let size = out[out.count - 1 - fromEnd]
      let sizeA = fromEnd < a.count ? a[a.count - 1 - fromEnd] : 1
      let sizeB = fromEnd < b.count ? b[b.count - 1 - fromEnd] : 1
      let strideA = sizeA == 1 ? 0 : runA
      let strideB = sizeB == 1 ? 0 : runB
      runA *= sizeA
      runB *= sizeB
      guard size > 1 else { continue }
      if let inner = axes.last, strideA == inner.a * inner.size, strideB == inner.b * inner.size {
        axes[axes.count - 1].size *= size
      } else {
        axes.append((size, strideA, strideB))
      }
    }
    for axis in axes.reversed() {
      sizes.append(axis.size)
      aStrides.append(axis.a)
      bStrides.append(axis.b)
    }
  }

  /// `out[i] = combine(a[i], b[i])` over the broadcast index space.
  @inline(__always)
  func apply<T>(
    _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
    _ combine: (T, T) -> T
  ) {
    guard let length = sizes.last, let strideA = aStrides.last, let strideB = bStrides.last
    else {
      // Every axis has size 1: one element.
      out[0] = combine(a[0], b[0])
      return
    }
    let outer = sizes.count - 1
    var rows = 1
    for axis in 0..<outer { rows *= sizes[axis] }
    var counter = [Int](repeating: 0, count: outer)
    var (offsetA, offsetB, offsetOut) = (0, 0, 0)
    for _ in 0..<rows {
      Self.row(a + offsetA, strideA, b + offsetB, strideB, out + offsetOut, length, combine)
      offsetOut += length
      // Step the outer axes like an odometer, innermost first.
      var axis = outer - 1
      while axis >= 0 {
        counter[axis] += 1
        offsetA += aStrides[axis]
        offsetB += bStrides[axis]
        if counter[axis] < sizes[axis] { break }
        offsetA -= aStrides[axis] * sizes[axis]
        offsetB -= bStrides[axis] * sizes[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }

  /// One innermost run of `length` elements, with a loop for each pair of strides that occurs.
  @inline(__always)
  private static func row<T>(
    _ a: UnsafePointer<T>, _ strideA: Int, _ b: UnsafePointer<T>, _ strideB: Int,
    _ out: UnsafeMutablePointer<T>, _ length: Int, _ combine: (T, T) -> T
  ) {
    switch (strideA, strideB) {
    case (1, 1):
      for index in 0..<length { out[index] = combine(a[index], b[index]) }
    case (0, 1):
      let left = a[0]
      for index in 0..<length { out[index] = combine(left, b[index]) }
    case (1, 0):
      let right = b[0]
      for index in 0..<length { out[index] = combine(a[index], right) }
    default:
      for index in 0..<length { out[index] = combine(a[index * strideA], b[index * strideB]) }
    }
  }
}

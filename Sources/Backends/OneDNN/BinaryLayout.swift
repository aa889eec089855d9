import BackendProtocol

/// A NumPy-broadcast binary op in oneDNN's terms: the output's axes with size-1 axes dropped
/// and neighbours merged wherever both operands either span them or are broadcast along them,
/// so that the descriptors are as short (and as likely to meet a JIT kernel) as they can be.
struct BinaryLayout {
  /// The merged output sizes (at least one axis).
  let dims: [Int]
  /// Bit `i` set when `a` (`b`) spans merged axis `i`; where it does not, it is broadcast
  /// along it. (Bits past 63 are lost, but such a layout has more axes than oneDNN's 12 and
  /// is never run.)
  let aSpans: UInt64
  let bSpans: UInt64

  /// The layout of `a ∘ b → out`; `out` must be the broadcast of `a` and `b`.
  init(_ a: Shape, _ b: Shape, _ out: Shape) {
    var dims: [Int] = []
    var (aSpans, bSpans): (UInt64, UInt64) = (0, 0)
    var last: (a: Bool, b: Bool)?
    let rank = out.rank
    for axis in 0..<rank where out[axis] != 1 {
      let size = out[axis]
      let aSpan = axis >= rank - a.rank && a[axis - (rank - a.rank)] == size
      let bSpan = axis >= rank - b.rank && b[axis - (rank - b.rank)] == size
      if let last, last == (aSpan, bSpan) {
        dims[dims.count - 1] = saturatingProduct(dims[dims.count - 1], size)
      } else {
        // Smart shifts: past 63 they give 0 rather than trap.
        aSpans |= aSpan ? 1 << dims.count : 0
        bSpans |= bSpan ? 1 << dims.count : 0
        dims.append(size)
        last = (aSpan, bSpan)
      }
    }
    if dims.isEmpty {
      (dims, aSpans, bSpans) = ([1], 1, 1)
    }
    self.dims = dims
    self.aSpans = aSpans
    self.bSpans = bSpans
  }

  /// Whether `a` (`b`) spans the whole output.
  var aSpansAll: Bool { aSpans == allAxes }
  var bSpansAll: Bool { bSpans == allAxes }

  private var allAxes: UInt64 { dims.count >= 64 ? ~0 : (1 << dims.count) - 1 }

  /// `a`'s (`b`'s) sizes: the merged sizes, 1 where broadcast.
  var aDims: [Int] { sizes(aSpans) }
  var bDims: [Int] { sizes(bSpans) }

  private func sizes(_ spans: UInt64) -> [Int] {
    dims.indices.map { spans & (1 << $0) != 0 ? dims[$0] : 1 }
  }

  /// `a`'s elements laid over the full output sizes: its own row-major strides where it spans
  /// an axis, 0 where it is broadcast along it.
  var aBroadcastStrides: [Int] {
    let strides = Shape(aDims).strides
    return dims.indices.map { aSpans & (1 << $0) != 0 ? strides[$0] : 0 }
  }

  /// The sizes and broadcast flags as one list, for a cache key.
  var key: [Int] {
    var key = dims
    key.append(Int(truncatingIfNeeded: aSpans))
    key.append(Int(truncatingIfNeeded: bSpans))
    return key
  }
}

/// `a · b`, or `Int.max` where that overflows: layouts are also read from records that
/// ``OneDNNBackend/supports(_:)`` has not validated, and must not trap on them.
func saturatingProduct(_ a: Int, _ b: Int) -> Int {
  let (product, overflow) = a.multipliedReportingOverflow(by: b)
  return overflow ? Int.max : product
}

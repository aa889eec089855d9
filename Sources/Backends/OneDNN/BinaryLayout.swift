import BackendProtocol

/// A NumPy-broadcast binary op in oneDNN's terms: the output's axes with size-1 axes dropped
/// and neighbours merged wherever both operands either span them or are broadcast along them,
/// so that the descriptors are as short (and as likely to meet a JIT kernel) as they can be.
struct BinaryLayout {
  /// The merged output sizes (at least one axis), then the two broadcast masks: the cache key,
  /// built as one array because a binary op builds it on every call.
  let key: [Int]
  /// Bit `i` set when `a` (`b`) spans merged axis `i`; where it does not, it is broadcast
  /// along it. (Bits past 63 are lost, but such a layout has more axes than oneDNN's 12 and
  /// is never run.)
  let aSpans: UInt64
  let bSpans: UInt64

  /// The layout of `a ∘ b → out`, or nil when `out` is not the NumPy broadcast of `a` and `b`.
  /// Checked here, axis by axis, rather than by building the broadcast shape: this runs on
  /// every binary op.
  init?(_ a: Shape, _ b: Shape, _ out: Shape) {
    let rank = out.rank
    guard rank == Swift.max(a.rank, b.rank) else { return nil }
    var key: [Int] = []
    key.reserveCapacity(Swift.min(rank, 16) + 2)
    var (aSpans, bSpans): (UInt64, UInt64) = (0, 0)
    var last: (a: Bool, b: Bool)?
    for axis in 0..<rank {
      let da = axis >= rank - a.rank ? a[axis - (rank - a.rank)] : 1
      let db = axis >= rank - b.rank ? b[axis - (rank - b.rank)] : 1
      let size = out[axis]
      guard da == db ? size == da : (da == 1 ? size == db : db == 1 && size == da) else {
        return nil
      }
      if size == 1 { continue }
      let (aSpan, bSpan) = (da == size, db == size)
      if let last, last == (aSpan, bSpan) {
        key[key.count - 1] = saturatingProduct(key[key.count - 1], size)
      } else {
        // Smart shifts: past 63 they give 0 rather than trap.
        aSpans |= aSpan ? 1 << key.count : 0
        bSpans |= bSpan ? 1 << key.count : 0
        key.append(size)
        last = (aSpan, bSpan)
      }
    }
    if key.isEmpty {
      (key, aSpans, bSpans) = ([1], 1, 1)
    }
    key.append(Int(truncatingIfNeeded: aSpans))
    key.append(Int(truncatingIfNeeded: bSpans))
    self.key = key
    self.aSpans = aSpans
    self.bSpans = bSpans
  }

  /// The number of merged axes.
  var rank: Int { key.count - 2 }

  /// The merged output sizes.
  var dims: [Int] { Array(key.prefix(rank)) }

  /// Whether `a` (`b`) spans the whole output.
  var aSpansAll: Bool { aSpans == allAxes }
  var bSpansAll: Bool { bSpans == allAxes }

  private var allAxes: UInt64 { rank >= 64 ? ~0 : (1 << rank) - 1 }

  /// `a`'s (`b`'s) sizes: the merged sizes, 1 where broadcast.
  var aDims: [Int] { sizes(aSpans) }
  var bDims: [Int] { sizes(bSpans) }

  private func sizes(_ spans: UInt64) -> [Int] {
    (0..<rank).map { spans & (1 << $0) != 0 ? key[$0] : 1 }
  }

  /// `a`'s elements laid over the full output sizes: its own row-major strides where it spans
  /// an axis, 0 where it is broadcast along it.
  var aBroadcastStrides: [Int] {
    let strides = Shape(aDims).strides
    return (0..<rank).map { aSpans & (1 << $0) != 0 ? strides[$0] : 0 }
  }
}

/// `a · b`, or `Int.max` where that overflows: layouts are also read from records that
/// ``OneDNNBackend/supports(_:)`` has not validated, and must not trap on them.
func saturatingProduct(_ a: Int, _ b: Int) -> Int {
  let (product, overflow) = a.multipliedReportingOverflow(by: b)
  return overflow ? Int.max : product
}

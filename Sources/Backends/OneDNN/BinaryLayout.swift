import BackendProtocol

/// A NumPy-broadcast binary op in oneDNN's terms: the output's axes with size-1 axes dropped
/// and neighbours merged wherever both operands either span them or are broadcast along them,
/// so that the descriptors are as short (and as likely to meet a JIT kernel) as they can be.
struct BinaryLayout {
  /// The merged output sizes (at least one axis).
  let dims: [Int]
  /// Whether `a` (`b`) spans each merged axis; where it does not, it is broadcast along it.
  let aSpans: [Bool]
  let bSpans: [Bool]

  /// The layout of `a ∘ b → out`; `out` must be the broadcast of `a` and `b`.
  init(_ a: Shape, _ b: Shape, _ out: Shape) {
    var dims: [Int] = []
    var aSpans: [Bool] = []
    var bSpans: [Bool] = []
    let rank = out.rank
    for axis in 0..<rank where out[axis] != 1 {
      let size = out[axis]
      let aSpan = axis >= rank - a.rank && a[axis - (rank - a.rank)] == size
      let bSpan = axis >= rank - b.rank && b[axis - (rank - b.rank)] == size
      if aSpans.last == aSpan, bSpans.last == bSpan {
        dims[dims.count - 1] *= size
      } else {
        dims.append(size)
        aSpans.append(aSpan)
        bSpans.append(bSpan)
      }
    }
    if dims.isEmpty {
      (dims, aSpans, bSpans) = ([1], [true], [true])
    }
    self.dims = dims
    self.aSpans = aSpans
    self.bSpans = bSpans
  }

  /// `a`'s (`b`'s) sizes: the merged sizes, 1 where broadcast.
  var aDims: [Int] { zip(dims, aSpans).map { $1 ? $0 : 1 } }
  var bDims: [Int] { zip(dims, bSpans).map { $1 ? $0 : 1 } }

  /// `a`'s elements laid over the full output sizes: its own row-major strides where it spans
  /// an axis, 0 where it is broadcast along it.
  var aBroadcastStrides: [Int] {
    zip(Shape(aDims).strides, aSpans).map { $1 ? $0 : 0 }
  }

  /// The sizes and broadcast flags as one list, for a cache key.
  var key: [Int] {
    dims + aSpans.map { $0 ? 1 : 0 } + bSpans.map { $0 ? 1 : 0 }
  }
}

import CPlexusPlugin

/// `sum` over the axes the `axes` attribute lists (sorted, distinct), which the output drops.
///
/// The order of the additions is the reference backend's, so the two agree bit for bit: sixteen
/// running sums per row when the reduced axes are the trailing ones, one running sum per output
/// element otherwise.
enum Sum {
  /// The op's name in messages.
  static let name = "sum"

  /// Checks and runs `record`: input x, one output of x's shape without the reduced axes.
  static func run(_ record: OpRecordView) throws(OpFailure) {
    try record.requireCounts(inputs: 1, outputs: 1)
    let type = try record.elementType()
    let x = try record.input(0, "x", type)
    let out = try record.output(0, type)
    let rank = x.shape.count
    guard
      let axes = try record.ints(PX_ATTR_AXES, "axes", maximumCount: rank)
    else {
      throw .invalid(name, "expected the attribute axes (a list of integers), received none")
    }
    guard axes.allSatisfy({ (0..<rank).contains($0) }), zip(axes, axes.dropFirst()).allSatisfy(<)
    else {
      throw .invalid(
        name,
        "expected axes sorted and distinct in 0..<\(rank) (the rank of x \(describe(x.shape))), "
          + "received \(describe(axes))")
    }
    let kept = x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] }
    guard out.shape == kept else {
      throw .invalid(
        name,
        "expected an output of shape \(describe(kept)) (x \(describe(x.shape)) without axes "
          + "\(describe(axes))), received \(describe(out.shape))")
    }
    try record.requireDisjoint(out, from: [x])
    guard out.count > 0 else { return }
    switch type {
    case .float32: try sum(x, axes, out, Float.self)
    case .float64: try sum(x, axes, out, Double.self)
    }
  }

  /// Sums `x` over `axes` into `out` in `T`; `out` holds elements.
  private static func sum<T: FloatElement>(
    _ x: TensorView, _ axes: [Int], _ out: TensorView, _: T.Type
  ) throws(OpFailure) {
    let destination = try out.elements(T.self, op: name)
    guard x.count > 0 else {
      // A reduced axis is empty (the output is not): every sum is empty, 0.
      destination.update(repeating: 0, count: out.count)
      return
    }
    let source = UnsafePointer(try x.elements(T.self, op: name))
    let runs = Runs(shape: x.shape, axes: axes)
    if runs.reducesTrailingAxes {
      // Rows of `width` contiguous elements, one per output element.
      let width = x.count / out.count
      for row in 0..<out.count { destination[row] = T.sumRow(source + row * width, width) }
    } else {
      destination.update(repeating: 0, count: out.count)
      runs.forEachRow { inputOffset, outputOffset, length, isReduced in
        let p = source + inputOffset
        let q = destination + outputOffset
        if isReduced {
          var total = q[0]
          for index in 0..<length { total += p[index] }
          q[0] = total
        } else {
          for index in 0..<length { q[index] += p[index] }
        }
      }
    }
  }
}

extension FloatElement where Self: SIMDScalar {
  /// The sum of `count` contiguous elements: sixteen running sums, one per SIMD lane, then a
  /// horizontal add, which vectorises (a scalar float loop cannot be reassociated) and rounds
  /// less than one running sum.
  @inline(__always)
  static func sumRow(_ p: UnsafePointer<Self>, _ count: Int) -> Self {
    var lanes = SIMD16<Self>()
    let raw = UnsafeRawPointer(p)
    let stride = MemoryLayout<SIMD16<Self>>.stride
    let vectors = count / 16
    for index in 0..<vectors {
      lanes += raw.loadUnaligned(fromByteOffset: index * stride, as: SIMD16<Self>.self)
    }
    var total = lanes.sum()
    for index in (vectors * 16)..<count { total += p[index] }
    return total
  }
}

/// The input's axes with neighbours merged where both are reduced or both kept: alternating
/// runs of kept and reduced axes. Built only for an input that holds elements, so every merged
/// size divides the element count and no product below overflows.
private struct Runs {
  /// The merged sizes, outermost first.
  private var sizes: [Int] = []
  /// Whether each merged axis is reduced.
  private var reduced: [Bool] = []

  /// The runs of `shape` when `axes` are reduced.
  init(shape: [Int], axes: [Int]) {
    for (axis, size) in shape.enumerated() {
      let isReduced = axes.contains(axis)
      if let last = reduced.last, last == isReduced {
        sizes[sizes.count - 1] *= size
      } else {
        sizes.append(size)
        reduced.append(isReduced)
      }
    }
  }

  /// Whether each output element sums one contiguous row: the reduced axes are one run with
  /// nothing but axes of size 1 after it, or there are none. (The reference backend's test, to
  /// the letter: a different one would pick a different order of additions for some shapes.)
  var reducesTrailingAxes: Bool {
    guard let first = reduced.firstIndex(of: true) else { return true }
    return reduced.filter { $0 }.count == 1 && sizes[(first + 1)...].allSatisfy { $0 == 1 }
  }

  /// Walks the input one innermost run at a time, in memory order:
  /// `body(inputOffset, outputOffset, length, isReduced)`, where a reduced run adds into the one
  /// output element at `outputOffset` and a kept run into `length` consecutive ones.
  func forEachRow(_ body: (Int, Int, Int, Bool) -> Void) {
    guard let length = sizes.last, let lastReduced = reduced.last else { return }
    let outer = sizes.count - 1
    // The output's element stride along each merged axis: 0 along the reduced ones.
    var outputStrides = [Int](repeating: 0, count: sizes.count)
    var running = 1
    for axis in stride(from: sizes.count - 1, through: 0, by: -1) where !reduced[axis] {
      outputStrides[axis] = running
      running *= sizes[axis]
    }
    var rows = 1
    for axis in 0..<outer { rows *= sizes[axis] }
    var counter = [Int](repeating: 0, count: outer)
    var outputOffset = 0
    for row in 0..<rows {
      body(row * length, outputOffset, length, lastReduced)
      // Step the outer axes like an odometer, innermost first.
      var axis = outer - 1
      while axis >= 0 {
        counter[axis] += 1
        outputOffset += outputStrides[axis]
        if counter[axis] < sizes[axis] { break }
        outputOffset -= outputStrides[axis] * sizes[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }
}

import BackendProtocol

extension ReferenceBackend {
  /// Reduces over `axes` (sorted, unique), which are removed from `out.shape`. `argmax` and
  /// `argmin` take one axis, write `int32` and keep the first of equal values.
  public func reduce(_ op: OpCode, _ x: TensorBuffer, axes: [Int], _ out: TensorBuffer) throws {
    // A raw record (a plugin's, a C caller's) is checked before anything is read or written.
    let rank = x.shape.rank
    guard axes.allSatisfy({ (0..<rank).contains($0) }), Set(axes).count == axes.count else {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "axes \(axes) are not distinct axes of a rank-\(rank) input")
    }
    let kept = x.shape.dims.indices.filter { !axes.contains($0) }.map { x.shape.dims[$0] }
    guard out.count == Shape(kept).elementCount else {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "an output of \(Shape(kept).elementCount) elements",
        received: "\(out.shape)")
    }
    let located = op == .argmax || op == .argmin
    guard out.dtype == (located ? .int32 : x.dtype) else {
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "an output of \(located ? DType.int32 : x.dtype)",
        received: "\(out.dtype)")
    }
    guard out.count > 0 else { return }
    switch x.dtype {
    case .float32: try reduce(op, x, axes, out, Float.self)
    case .float64: try reduce(op, x, axes, out, Double.self)
    case .int32: try reduce(op, x, axes, out, Int32.self)
    case .int64: try reduce(op, x, axes, out, Int64.self)
    case .uint8, .bool, .bfloat16: throw unsupported(op, x.dtype)
    }
  }

  private func reduce<T: ArithmeticElement>(
    _ op: OpCode, _ x: TensorBuffer, _ axes: [Int], _ out: TensorBuffer, _ type: T.Type
  ) throws {
    guard x.count > 0 else {
      // Every reduced run is empty (the output is not): the identity, where there is one.
      let identity: T
      switch op {
      case .sum: identity = 0
      case .prod: identity = 1
      case .max: identity = T.lowest
      case .min: identity = T.highest
      default:
        throw PlexusError.invalidArgument(
          context: "\(op)", message: "has no index to give over an empty axis")
      }
      out.pointer(T.self).update(repeating: identity, count: out.count)
      return
    }
    let layout = ReductionLayout(shape: x.shape, axes: axes)
    switch op {
    case .sum where layout.isBlock && layout.inner == 1:
      let (source, destination, width) = (x.pointer(T.self), out.pointer(T.self), layout.reduced)
      parallel.forEachChunk(
        layout.outer, grain: Swift.max(1, Parallel.minimumParallelCount / Swift.max(width, 1))
      ) { rows in
        for row in rows { destination[row] = T.sumRow(source + row * width, width) }
      }
    case .sum:
      fold(x, out, layout, identity: 0) { T.sum($0, $1) }
    case .prod: fold(x, out, layout, identity: 1) { T.product($0, $1) }
    case .max: fold(x, out, layout, identity: T.lowest) { T.larger($0, $1) }
    case .min: fold(x, out, layout, identity: T.highest) { T.smaller($0, $1) }
    case .argmax:
      try locate(op, x, out, layout, T.self) { candidate, best in
        candidate > best || (candidate != candidate && best == best)
      }
    case .argmin:
      try locate(op, x, out, layout, T.self) { candidate, best in
        candidate < best || (candidate != candidate && best == best)
      }
    default: throw unsupported(op, x.dtype)
    }
  }

  /// Folds with `combine`, starting from `identity`.
  @inline(__always)
  private func fold<T: ArithmeticElement>(
    _ x: TensorBuffer, _ out: TensorBuffer, _ layout: ReductionLayout, identity: T,
    _ combine: (T, T) -> T
  ) {
    let source = x.pointer(T.self)
    let destination = out.pointer(T.self)
    guard layout.isBlock else {
      destination.update(repeating: identity, count: out.count)
      layout.forEachGeneral { inputOffset, outputOffset, length, outputStride in
        let p = source + inputOffset
        let q = destination + outputOffset
        if outputStride == 0 {
          var accumulator = q[0]
          for j in 0..<length { accumulator = combine(accumulator, p[j]) }
          q[0] = accumulator
        } else {
          for j in 0..<length { q[j] = combine(q[j], p[j]) }
        }
      }
      return
    }
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    if inner == 1 {
      parallel.forEachChunk(outer, grain: Swift.max(1, Parallel.minimumParallelCount / reduced)) {
        rows in
        for row in rows {
          let p = source + row * reduced
          var accumulator = identity
          for r in 0..<reduced { accumulator = combine(accumulator, p[r]) }
          destination[row] = accumulator
        }
      }
      return
    }
    // Columns: combine whole rows at a time, which vectorises along `inner`.
    let work = reduced * inner
    parallel.forEachChunk(outer, grain: Swift.max(1, Parallel.minimumParallelCount / work)) {
      blocks in
      for block in blocks {
        let q = destination + block * inner
        let base = source + block * work
        q.update(repeating: identity, count: inner)
        for r in 0..<reduced {
          let p = base + r * inner
          for j in 0..<inner { q[j] = combine(q[j], p[j]) }
        }
      }
    }
  }

  /// argmax / argmin along the single reduced axis; `better(candidate, best)` decides.
  private func locate<T: ArithmeticElement>(
    _ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer, _ layout: ReductionLayout,
    _ type: T.Type, _ better: (T, T) -> Bool
  ) throws {
    guard layout.isBlock, out.dtype == .int32 else {
      throw PlexusError.invalidArgument(
        context: op.description, message: "expects exactly one axis and an int32 output")
    }
    let source = x.pointer(T.self)
    let destination = out.pointer(Int32.self)
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    for block in 0..<outer {
      for column in 0..<inner {
        let p = source + block * reduced * inner + column
        var bestIndex = 0
        if reduced > 0 {
          var best = p[0]
          for r in 1..<reduced where better(p[r * inner], best) {
            best = p[r * inner]
            bestIndex = r
          }
        }
        destination[block * inner + column] = Int32(truncatingIfNeeded: bestIndex)
      }
    }
  }
}

import BackendProtocol

extension ReferenceBackend {
  /// `out = condition ? a : b`, all three broadcast; `condition` is `bool`.
  public func select(
    _ condition: TensorBuffer, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer
  ) throws {
    switch a.dtype.byteSize {
    case 1 where a.dtype != .bfloat16: choose(condition, a, b, out, UInt8.self)
    case 4: choose(condition, a, b, out, UInt32.self)
    case 8: choose(condition, a, b, out, UInt64.self)
    default: throw unsupported(.select, a.dtype)
    }
  }

  /// Selection moves bits, so it runs on unsigned integers of the element's width.
  private func choose<T>(
    _ condition: TensorBuffer, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer,
    _ type: T.Type
  ) {
    let c = condition.pointer(UInt8.self)
    let x = a.pointer(T.self)
    let y = b.pointer(T.self)
    let z = out.pointer(T.self)
    let count = out.count
    guard count > 0 else { return }
    if condition.count == count && a.count == count && b.count == count {
      parallel.forEachChunk(count) { range in
        for i in range { z[i] = c[i] != 0 ? x[i] : y[i] }
      }
      return
    }
    // One side a scalar (a gradient masked against zero, say): a loop the compiler vectorises,
    // where the general path below walks strides.
    if condition.count == count && a.count == count && b.count == 1 {
      let value = y[0]
      parallel.forEachChunk(count) { range in
        for i in range { z[i] = c[i] != 0 ? x[i] : value }
      }
      return
    }
    if condition.count == count && b.count == count && a.count == 1 {
      let value = x[0]
      parallel.forEachChunk(count) { range in
        for i in range { z[i] = c[i] != 0 ? value : y[i] }
      }
      return
    }
    let plan = BroadcastPlan(out: out.shape, inputs: [condition.shape, a.shape, b.shape])
    let width = plan.rowLength
    let sc = plan.innerStride(0)
    let sa = plan.innerStride(1)
    let sb = plan.innerStride(2)
    let grain = Swift.max(1, Parallel.minimumParallelCount / width)
    parallel.forEachChunk(plan.rowCount, grain: grain) { rows in
      plan.forEachRow(in: rows) { row, offsets in
        let o = z + row * width
        let k = c + offsets.0
        let p = x + offsets.1
        let q = y + offsets.2
        for j in 0..<width { o[j] = k[j * sc] != 0 ? p[j * sa] : q[j * sb] }
      }
    }
  }
}

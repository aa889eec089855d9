import BackendProtocol

extension ReferenceBackend {
  /// `out.shape[i] = x.shape[permutation[i]]`.
  public func transpose(_ x: TensorBuffer, permutation: [Int], _ out: TensorBuffer) throws {
    switch x.dtype.byteSize {
    case 1 where x.dtype != .bfloat16: permute(x, permutation, out, UInt8.self)
    case 4: permute(x, permutation, out, UInt32.self)
    case 8: permute(x, permutation, out, UInt64.self)
    default: throw unsupported(.transpose, x.dtype)
    }
  }

  /// Joins `inputs` along `axis`.
  public func concat(_ inputs: [TensorBuffer], axis: Int, _ out: TensorBuffer) throws {
    guard out.dtype != .bfloat16 else { throw unsupported(.concat, out.dtype) }
    let size = out.dtype.byteSize
    let outer = out.shape.dims[..<axis].reduce(1, *)
    guard outer > 0 else { return }
    let outRow = out.count / outer * size
    var column = 0
    for input in inputs {
      let row = input.count / outer * size
      if row > 0 {
        let source = UnsafeRawPointer(input.storage.base)
        for block in 0..<outer {
          (out.storage.base + block * outRow + column).copyMemory(
            from: source + block * row, byteCount: row)
        }
      }
      column += row
    }
  }

  /// Copies the box of `x` that starts at `starts` and has `out.shape`'s sizes.
  public func slice(_ x: TensorBuffer, starts: [Int], _ out: TensorBuffer) throws {
    guard x.dtype != .bfloat16 else { throw unsupported(.slice, x.dtype) }
    BoxCopy(elementSize: x.dtype.byteSize).copy(
      box: out.shape.dims, from: x.storage.base, x.shape, at: starts,
      to: out.storage.base, out.shape, at: [Int](repeating: 0, count: out.shape.rank))
  }

  /// Pads `x` with `value`: `before[i]` elements ahead on axis `i`, the rest after.
  public func pad(_ x: TensorBuffer, before: [Int], value: Double, _ out: TensorBuffer) throws {
    guard x.dtype != .bfloat16 else { throw unsupported(.pad, x.dtype) }
    try fill(value, out)
    BoxCopy(elementSize: x.dtype.byteSize).copy(
      box: x.shape.dims, from: x.storage.base, x.shape,
      at: [Int](repeating: 0, count: x.shape.rank),
      to: out.storage.base, out.shape, at: before)
  }

  /// Transposes by moving bits: the element type only sets the width.
  private func permute<T>(
    _ x: TensorBuffer, _ permutation: [Int], _ out: TensorBuffer, _ type: T.Type
  ) {
    // Merge output axes that stay neighbours in the input; drop size-1 axes.
    let inputStrides = x.shape.strides
    var dims: [Int] = []
    var strides: [Int] = []
    var previous = -2
    for axis in permutation.indices where x.shape[permutation[axis]] != 1 {
      let source = permutation[axis]
      let size = x.shape[source]
      if source == previous + 1, let last = dims.last {
        dims[dims.count - 1] = last * size
        strides[strides.count - 1] = inputStrides[source]
      } else {
        dims.append(size)
        strides.append(inputStrides[source])
      }
      previous = source
    }
    let source = x.pointer(T.self)
    let destination = out.pointer(T.self)
    let count = out.count
    guard count > 0 else { return }
    if dims.count <= 1 {
      destination.update(from: source, count: count)
      return
    }
    // Batches over the leading axes, a tiled 2-D strided copy over the last two.
    let rank = dims.count
    let rows = dims[rank - 2]
    let columns = dims[rank - 1]
    let rowStride = strides[rank - 2]
    let columnStride = strides[rank - 1]
    let batches = count / (rows * columns)
    var counter = [Int](repeating: 0, count: rank - 2)
    var offset = 0
    let tile = 32
    for batch in 0..<batches {
      let p = source + offset
      let q = destination + batch * rows * columns
      for rowBlock in stride(from: 0, to: rows, by: tile) {
        let rowEnd = Swift.min(rowBlock + tile, rows)
        for columnBlock in stride(from: 0, to: columns, by: tile) {
          let columnEnd = Swift.min(columnBlock + tile, columns)
          for i in rowBlock..<rowEnd {
            for j in columnBlock..<columnEnd {
              q[i * columns + j] = p[i * rowStride + j * columnStride]
            }
          }
        }
      }
      var axis = rank - 3
      while axis >= 0 {
        counter[axis] += 1
        offset += strides[axis]
        if counter[axis] < dims[axis] { break }
        offset -= strides[axis] * dims[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }
}

import BackendProtocol

extension ReferenceBackend {
  /// Takes slices of `x` along `axis` at `indices` (`int32` or `int64`).
  /// Throws `invalidArgument` when an index is outside `0..<x.shape[axis]`.
  public func gather(_ x: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer)
    throws
  {
    guard x.dtype != .bfloat16 else { throw unsupported(.gather, x.dtype) }
    let reader = try IndexReader(indices, op: .gather, axis: axis, size: x.shape[axis])
    let outer = x.shape.dims[..<axis].reduce(1, *)
    let size = x.shape[axis]
    let rowBytes = x.shape.dims[(axis + 1)...].reduce(1, *) * x.dtype.byteSize
    let picks = indices.count
    guard rowBytes > 0 else { return }
    let source = UnsafeRawPointer(x.storage.base)
    let destination = out.storage.base
    for block in 0..<outer {
      for pick in 0..<picks {
        (destination + (block * picks + pick) * rowBytes).copyMemory(
          from: source + (block * size + reader[pick]) * rowBytes, byteCount: rowBytes)
      }
    }
  }

  /// Adds `updates` into `out` (already initialised) at `indices` along `axis`, summing
  /// duplicates. Throws `invalidArgument` on an index out of range.
  public func scatterAdd(
    _ updates: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer
  ) throws {
    switch out.dtype {
    case .float32: try scatter(updates, indices, axis, out, Float.self)
    case .float64: try scatter(updates, indices, axis, out, Double.self)
    case .int32: try scatter(updates, indices, axis, out, Int32.self)
    case .int64: try scatter(updates, indices, axis, out, Int64.self)
    case .uint8, .bool, .bfloat16: throw unsupported(.scatterAdd, out.dtype)
    }
  }

  private func scatter<T: ArithmeticElement>(
    _ updates: TensorBuffer, _ indices: TensorBuffer, _ axis: Int, _ out: TensorBuffer,
    _ type: T.Type
  ) throws {
    let reader = try IndexReader(indices, op: .scatterAdd, axis: axis, size: out.shape[axis])
    let outer = out.shape.dims[..<axis].reduce(1, *)
    let size = out.shape[axis]
    let inner = out.shape.dims[(axis + 1)...].reduce(1, *)
    let picks = indices.count
    let source = updates.pointer(T.self)
    let destination = out.pointer(T.self)
    for block in 0..<outer {
      for pick in 0..<picks {
        let p = source + (block * picks + pick) * inner
        let q = destination + (block * size + reader[pick]) * inner
        for j in 0..<inner { q[j] = T.sum(q[j], p[j]) }
      }
    }
  }

  /// `out[..., j] = indices[...] == j`; throws on an index outside `0..<depth`.
  public func oneHot(_ indices: TensorBuffer, _ out: TensorBuffer) throws {
    let depth = out.shape.rank == 0 ? 1 : out.shape[out.shape.rank - 1]
    let reader = try IndexReader(indices, op: .oneHot, axis: out.shape.rank - 1, size: depth)
    let bytes = out.count * out.dtype.byteSize
    out.storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    for position in 0..<indices.count {
      let index = position * depth + reader[position]
      switch out.dtype {
      case .float32: out.pointer(Float.self)[index] = 1
      case .float64: out.pointer(Double.self)[index] = 1
      case .int32: out.pointer(Int32.self)[index] = 1
      case .int64: out.pointer(Int64.self)[index] = 1
      case .uint8, .bool: out.pointer(UInt8.self)[index] = 1
      case .bfloat16: out.pointer(UInt16.self)[index] = 0x3F80
      }
    }
  }
}

/// Reads `int32` or `int64` indices as `Int`, after checking every one against the axis size,
/// so the kernels that use them never read or write out of bounds.
struct IndexReader {
  private let narrow: UnsafeMutablePointer<Int32>?
  private let wide: UnsafeMutablePointer<Int64>?

  init(_ indices: TensorBuffer, op: OpCode, axis: Int, size: Int) throws {
    switch indices.dtype {
    case .int32:
      narrow = indices.pointer(Int32.self)
      wide = nil
    case .int64:
      narrow = nil
      wide = indices.pointer(Int64.self)
    default:
      throw PlexusError.dtypeMismatch(
        context: op.description, expected: "int32 or int64 indices",
        received: indices.dtype.description)
    }
    for position in 0..<indices.count {
      let index = self[position]
      guard index >= 0 && index < size else {
        throw PlexusError.indexOutOfRange(
          context: "\(op) along axis \(axis)", index: index, size: size)
      }
    }
  }

  /// The index at `position`.
  @inline(__always)
  subscript(position: Int) -> Int {
    if let narrow { return Int(narrow[position]) }
    if let wide { return Int(truncatingIfNeeded: wide[position]) }
    return 0
  }
}

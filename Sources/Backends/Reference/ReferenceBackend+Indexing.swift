import BackendProtocol

extension ReferenceBackend {
  /// Takes slices of `x` along `axis` at `indices` (`int32` or `int64`).
  /// Throws `invalidArgument` when an index is outside `0..<x.shape[axis]`. From 256 KiB of
  /// output on, the rows are copied in one run per thread (each row is written once, so the cut
  /// changes no result).
  public func gather(_ x: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer)
    throws
  {
    guard x.dtype != .bfloat16 else { throw unsupported(.gather, x.dtype) }
    let reader = try IndexReader(indices, op: .gather, axis: axis, size: x.shape[axis])
    let outer = x.shape.dims[..<axis].reduce(1, *)
    let size = x.shape[axis]
    let rowBytes = x.shape.dims[(axis + 1)...].reduce(1, *) * x.dtype.byteSize
    let picks = indices.count
    guard rowBytes > 0, picks > 0 else { return }
    let source = UnsafeRawPointer(x.storage.base)
    let destination = out.storage.base
    parallel.forEachChunk(outer * picks, grain: Swift.max(1, Self.parallelBytes / rowBytes)) {
      rows in
      for row in rows {
        let (block, pick) = row.quotientAndRemainder(dividingBy: picks)
        Self.copyRow(
          from: source + (block * size + reader[pick]) * rowBytes,
          to: destination + row * rowBytes, bytes: rowBytes)
      }
    }
  }

  /// Copies `bytes` bytes; rows of whole 64-byte vectors (an embedding of 16, 32, 64 … floats)
  /// inline, as vector loads and stores, instead of a `memcpy` call per row.
  @inline(__always)
  private static func copyRow(
    from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, bytes: Int
  ) {
    typealias Vector = SIMD16<UInt32>
    let width = MemoryLayout<Vector>.size
    guard bytes % width == 0, bytes <= 16 * width else {
      destination.copyMemory(from: source, byteCount: bytes)
      return
    }
    var offset = 0
    while offset < bytes {
      destination.storeBytes(
        of: source.loadUnaligned(fromByteOffset: offset, as: Vector.self), toByteOffset: offset,
        as: Vector.self)
      offset += width
    }
  }

  /// How many bytes an indexing kernel moves before it splits the work across threads.
  static let parallelBytes = 1 << 18

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

  /// The destination rows (`outer × size` of them, `inner` elements each) are cut into one run
  /// per thread once the updates reach 64 K elements; each thread scans every index and adds
  /// the updates that land in its rows, in the indices' order. So every row sums its updates in
  /// the same order at any thread count, and the result is the serial one, bit for bit.
  private func scatter<T: ArithmeticElement>(
    _ updates: TensorBuffer, _ indices: TensorBuffer, _ axis: Int, _ out: TensorBuffer,
    _ type: T.Type
  ) throws {
    let reader = try IndexReader(indices, op: .scatterAdd, axis: axis, size: out.shape[axis])
    let outer = out.shape.dims[..<axis].reduce(1, *)
    let size = out.shape[axis]
    let inner = out.shape.dims[(axis + 1)...].reduce(1, *)
    let picks = indices.count
    guard inner > 0, picks > 0, size > 0 else { return }
    let source = updates.pointer(T.self)
    let destination = out.pointer(T.self)
    let parallelWork = outer * picks * inner >= Parallel.minimumParallelCount
    parallel.forEachChunk(outer * size, grain: parallelWork ? 1 : Int.max) { rows in
      for block in (rows.lowerBound / size)...((rows.upperBound - 1) / size) {
        let first = Swift.max(rows.lowerBound - block * size, 0)
        let end = Swift.min(rows.upperBound - block * size, size)
        for pick in 0..<picks {
          let row = reader[pick]
          guard row >= first && row < end else { continue }
          Self.addRow(
            source + (block * picks + pick) * inner,
            into: destination + (block * size + row) * inner,
            count: inner)
        }
      }
    }
  }

  /// `q[0..<count] += p[0..<count]`.
  @inline(__always)
  private static func addRow<T: ArithmeticElement>(
    _ p: UnsafeMutablePointer<T>, into q: UnsafeMutablePointer<T>, count: Int
  ) {
    if T.self == Float.self {
      addFloats(
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self),
        into: UnsafeMutableRawPointer(q).assumingMemoryBound(to: Float.self), count: count)
    } else {
      for j in 0..<count { q[j] = T.sum(q[j], p[j]) }
    }
  }

  /// `q[0..<count] += p[0..<count]` on `float32`, 16 lanes at a time (each element is one
  /// rounded addition either way, so the lanes change no result).
  @inline(__always)
  private static func addFloats(
    _ p: UnsafePointer<Float>, into q: UnsafeMutablePointer<Float>, count: Int
  ) {
    typealias Vector = SIMD16<Float>
    let width = Vector.scalarCount
    let from = UnsafeRawPointer(p)
    let to = UnsafeMutableRawPointer(q)
    var j = 0
    while j + width <= count {
      let offset = j * MemoryLayout<Float>.stride
      let sum =
        to.loadUnaligned(fromByteOffset: offset, as: Vector.self)
        + from.loadUnaligned(fromByteOffset: offset, as: Vector.self)
      to.storeBytes(of: sum, toByteOffset: offset, as: Vector.self)
      j += width
    }
    while j < count {
      q[j] += p[j]
      j += 1
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

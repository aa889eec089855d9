import BackendProtocol

extension ReferenceBackend {
  /// Fills `out` with the draw (see ``RandomDraw`` for the stream layout), split across threads
  /// by element; every element depends only on its index, so the thread count changes nothing.
  public func random(_ draw: RandomDraw, _ out: TensorBuffer) throws {
    switch out.dtype {
    case .float32:
      let pointer = out.pointer(Float.self)
      parallel.forEachChunk(out.count, grain: Parallel.minimumParallelCount / 8) { range in
        draw.generate(Self.pairAligned(range, out.count)) { index, value in
          pointer[index] = Float(value)
        }
      }
    case .float64:
      let pointer = out.pointer(Double.self)
      parallel.forEachChunk(out.count, grain: Parallel.minimumParallelCount / 8) { range in
        draw.generate(Self.pairAligned(range, out.count)) { index, value in
          pointer[index] = value
        }
      }
    default: throw unsupported(draw.op, out.dtype)
    }
  }

  /// `range` with both ends moved down to an even index (the last chunk keeps `count`), so no
  /// normal pair straddles two chunks.
  private static func pairAligned(_ range: Range<Int>, _ count: Int) -> Range<Int> {
    let lower = range.lowerBound & ~1
    let upper = range.upperBound == count ? count : range.upperBound & ~1
    return lower..<Swift.max(lower, upper)
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

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
}

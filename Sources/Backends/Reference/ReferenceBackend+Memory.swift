import BackendProtocol

extension ReferenceBackend {
  /// `out = x`, element for element; from 256 KiB on in one run per thread.
  public func copy(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    let bytes = Swift.min(x.count, out.count) * x.dtype.byteSize
    let source = UnsafeRawPointer(x.storage.base)
    let destination = out.storage.base
    parallel.forEachChunk(bytes, grain: Self.parallelBytes) { range in
      (destination + range.lowerBound).copyMemory(
        from: source + range.lowerBound, byteCount: range.count)
    }
  }

  /// Sets every element of `out` to `value` converted to `out.dtype`.
  public func fill(_ value: Double, _ out: TensorBuffer) throws {
    switch out.dtype {
    case .float32: fillElements(Float(castingDouble: value), out)
    case .float64: fillElements(value, out)
    case .int32: fillElements(Int32(castingDouble: value), out)
    case .int64: fillElements(Int64(castingDouble: value), out)
    case .uint8: fillElements(UInt8(castingDouble: value), out)
    case .bool: fillElements(BoolByte(castingDouble: value), out)
    case .bfloat16: throw unsupported(.fill, out.dtype)
    }
  }

  /// `out[i] = start + i * step`, computed in `Double` and converted to `out.dtype`.
  public func iota(start: Double, step: Double, _ out: TensorBuffer) throws {
    switch out.dtype {
    case .float32: iotaElements(start, step, out, as: Float.self)
    case .float64: iotaElements(start, step, out, as: Double.self)
    case .int32: iotaElements(start, step, out, as: Int32.self)
    case .int64: iotaElements(start, step, out, as: Int64.self)
    case .uint8, .bool, .bfloat16: throw unsupported(.iota, out.dtype)
    }
  }

  /// Converts `x` to `out.dtype`: floats to integers truncate toward zero (saturating, NaN to
  /// 0), integers wrap, anything non-zero becomes `true`, `bool` becomes 0 or 1. `bfloat16`
  /// widens exactly to float32 and float32 rounds to the nearest `bfloat16` (ties to even);
  /// other dtypes go through float32.
  public func cast(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    if x.dtype == .bfloat16 || out.dtype == .bfloat16 {
      return try castBFloat16(x, out)
    }
    switch x.dtype {
    case .float32: try castElements(from: Float.self, x, out)
    case .float64: try castElements(from: Double.self, x, out)
    case .int32: try castElements(from: Int32.self, x, out)
    case .int64: try castElements(from: Int64.self, x, out)
    case .uint8: try castElements(from: UInt8.self, x, out)
    case .bool, .bfloat16: try castElements(from: BoolByte.self, x, out)
    }
  }

  private func castBFloat16(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    if x.dtype == .bfloat16, out.dtype == .float32 {
      // The widening the mixed policy runs around every float32 op: straight into the output.
      return BFloat16.widen(x, into: out)
    }
    let wide = x.dtype == .bfloat16 ? try BFloat16.widened(x) : x
    if out.dtype == .bfloat16 {
      if wide.dtype == .float32 {
        BFloat16.narrow(wide, into: out)
      } else {
        // Through float64, rounded once (float64 to float32 rounds to odd, which float32's
        // spare bits make exact for the final rounding to bfloat16).
        let double = try TensorBuffer.allocate(.float64, x.shape)
        try castElementsOf(wide, double)
        let from = double.pointer(Double.self)
        let to = out.pointer(UInt16.self)
        for index in 0..<Swift.min(x.count, out.count) {
          to[index] = BFloat16.bits(BFloat16.roundedToOdd(from[index]))
        }
      }
    } else {
      try castElementsOf(wide, out)
    }
  }

  /// ``cast(_:_:)`` between dtypes other than `bfloat16`.
  private func castElementsOf(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    guard x.dtype != .bfloat16, out.dtype != .bfloat16 else { throw unsupported(.cast, x.dtype) }
    try cast(x, out)
  }

  /// Writes `value` into every element of `out`; from 256 KiB on in one run per thread.
  func fillElements<T>(_ value: T, _ out: TensorBuffer) {
    let pointer = out.pointer(T.self)
    let grain = Swift.max(1, Self.parallelBytes / Swift.max(MemoryLayout<T>.stride, 1))
    parallel.forEachChunk(out.count, grain: grain) { range in
      (pointer + range.lowerBound).update(repeating: value, count: range.count)
    }
  }

  private func iotaElements<T: CastElement>(
    _ start: Double, _ step: Double, _ out: TensorBuffer, as type: T.Type
  ) {
    let pointer = out.pointer(T.self)
    for index in 0..<out.count {
      pointer[index] = T(castingDouble: start + Double(index) * step)
    }
  }

  private func castElements<S: CastElement>(
    from source: S.Type, _ x: TensorBuffer, _ out: TensorBuffer
  ) throws {
    switch out.dtype {
    case .float32: convert(x.pointer(S.self), out.pointer(Float.self), x.count)
    case .float64: convert(x.pointer(S.self), out.pointer(Double.self), x.count)
    case .int32: convert(x.pointer(S.self), out.pointer(Int32.self), x.count)
    case .int64: convert(x.pointer(S.self), out.pointer(Int64.self), x.count)
    case .uint8: convert(x.pointer(S.self), out.pointer(UInt8.self), x.count)
    case .bool: convert(x.pointer(S.self), out.pointer(BoolByte.self), x.count)
    case .bfloat16: throw unsupported(.cast, out.dtype)
    }
  }

  private func convert<S: CastElement, D: CastElement>(
    _ source: UnsafeMutablePointer<S>, _ destination: UnsafeMutablePointer<D>, _ count: Int
  ) {
    if S.carriesAsDouble {
      for index in 0..<count { destination[index] = D(castingDouble: source[index].doubleValue) }
    } else {
      for index in 0..<count { destination[index] = D(castingInt64: source[index].int64Value) }
    }
  }
}

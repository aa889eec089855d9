import BackendProtocol

/// Builds a buffer of `dtype` holding `values` (converted as a NumPy `astype` would), for tests
/// that drive backends directly.
public func makeBuffer(_ values: [Double], _ shape: Shape, _ dtype: DType = .float32)
  -> TensorBuffer
{
  let result = TensorBuffer(dtype: dtype, shape: shape)
  for (index, value) in values.enumerated() {
    switch dtype {
    case .float32: result.pointer(Float.self)[index] = Float(value)
    case .float64: result.pointer(Double.self)[index] = value
    case .int32: result.pointer(Int32.self)[index] = Int32(value)
    case .int64: result.pointer(Int64.self)[index] = Int64(value)
    case .uint8: result.pointer(UInt8.self)[index] = UInt8(value)
    case .bool: result.pointer(UInt8.self)[index] = value != 0 ? 1 : 0
    case .bfloat16: result.pointer(UInt16.self)[index] = BFloat16.bits(Float(value))
    }
  }
  return result
}

/// The elements of `buffer` as doubles (`bool` as 0 or 1).
public func bufferValues(_ buffer: TensorBuffer) -> [Double] {
  (0..<buffer.count).map { index in
    switch buffer.dtype {
    case .float32: Double(buffer.pointer(Float.self)[index])
    case .float64: buffer.pointer(Double.self)[index]
    case .int32: Double(buffer.pointer(Int32.self)[index])
    case .int64: Double(buffer.pointer(Int64.self)[index])
    case .uint8: Double(buffer.pointer(UInt8.self)[index])
    case .bool: buffer.pointer(UInt8.self)[index] != 0 ? 1 : 0
    case .bfloat16: Double(BFloat16.float(buffer.pointer(UInt16.self)[index]))
    }
  }
}

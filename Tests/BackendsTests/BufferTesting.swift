import BackendProtocol
import PlexusReference

/// Builds a buffer of `dtype` holding `values` (converted as a NumPy `astype` would).
func buffer(_ values: [Double], _ shape: Shape, _ dtype: DType = .float32) -> TensorBuffer {
  let result = TensorBuffer(dtype: dtype, shape: shape)
  for (index, value) in values.enumerated() {
    switch dtype {
    case .float32: result.pointer(Float.self)[index] = Float(value)
    case .float64: result.pointer(Double.self)[index] = value
    case .int32: result.pointer(Int32.self)[index] = Int32(value)
    case .int64: result.pointer(Int64.self)[index] = Int64(value)
    case .uint8: result.pointer(UInt8.self)[index] = UInt8(value)
    case .bool: result.pointer(UInt8.self)[index] = value != 0 ? 1 : 0
    case .bfloat16: result.pointer(UInt16.self)[index] = 0
    }
  }
  return result
}

/// The elements of `buffer` as doubles.
func values(_ buffer: TensorBuffer) -> [Double] {
  (0..<buffer.count).map { index in
    switch buffer.dtype {
    case .float32: Double(buffer.pointer(Float.self)[index])
    case .float64: buffer.pointer(Double.self)[index]
    case .int32: Double(buffer.pointer(Int32.self)[index])
    case .int64: Double(buffer.pointer(Int64.self)[index])
    case .uint8: Double(buffer.pointer(UInt8.self)[index])
    case .bool: Double(buffer.pointer(UInt8.self)[index])
    case .bfloat16: .nan
    }
  }
}

/// An output buffer filled with a sentinel, so an element a kernel forgets to write shows.
func output(_ shape: Shape, _ dtype: DType = .float32) -> TensorBuffer {
  let result = TensorBuffer(dtype: dtype, shape: shape)
  result.storage.base.initializeMemory(
    as: UInt8.self, repeating: 0x7F, count: shape.elementCount * dtype.byteSize)
  return result
}

/// True when every element is within `tolerance` (relative above 1, absolute below).
func isClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-6) -> Bool {
  actual.count == expected.count
    && zip(actual, expected).allSatisfy { a, e in
      (a.isNaN && e.isNaN) || Swift.abs(a - e) <= tolerance * Swift.max(1, Swift.abs(e))
    }
}

/// A reference backend shared by the tests; kernels hold no state but the thread count.
let reference = ReferenceBackend()

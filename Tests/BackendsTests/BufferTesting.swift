import BackendProtocol
import PlexusReference
import PlexusTestSupport

/// Builds a buffer of `dtype` holding `values`.
func buffer(_ values: [Double], _ shape: Shape, _ dtype: DType = .float32) -> TensorBuffer {
  makeBuffer(values, shape, dtype)
}

/// The elements of `buffer` as doubles.
func values(_ buffer: TensorBuffer) -> [Double] { bufferValues(buffer) }

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

import BackendProtocol
import PlexusOpenBLAS
import PlexusReference
import PlexusTestSupport
import Testing

@Suite struct OpenBLASBackendTests {
  let backend = OpenBLASBackend()

  @Test func supportsFloatMatmulAndFloat32Convolution() throws {
    #expect(backend.name == "openblas")
    let convolution: Set<OpCode> = [
      .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .conv2dBiasActivation,
    ]
    for op in OpCode.allCases {
      for dtype in DType.allCases {
        let expected =
          (op == .matmul && (dtype == .float32 || dtype == .float64))
          || (convolution.contains(op) && dtype == .float32)
        #expect(backend.supports(op, dtype) == expected, "\(op) \(dtype)")
      }
    }
    // What it does not implement it reports unsupported at run time too, through the
    // protocol's defaults, so the dispatcher falls back.
    #expect(throws: UnsupportedOp.self) { try backend.copy(buffer([1], [1]), output([1])) }
    let record = OpRecord(.copy, inputs: [buffer([1], [1])], outputs: [output([1])])
    #expect(try backend.execute(record) == .unsupported)
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func matmulMatchesTheReference(transposeA: Bool, transposeB: Bool) throws {
    for dtype in [DType.float32, .float64] {
      let (batches, m, n, k) = (2, 33, 17, 65)
      let a = buffer(pattern(batches * m * k, seed: 1), transposeA ? [2, k, m] : [2, m, k], dtype)
      let b = buffer(pattern(k * n, seed: 2), transposeB ? [n, k] : [k, n], dtype)
      let expected = output([batches, m, n], dtype)
      let actual = output([batches, m, n], dtype)
      try reference.matmul(a, b, transposeA: transposeA, transposeB: transposeB, expected)
      try backend.matmul(a, b, transposeA: transposeA, transposeB: transposeB, actual)
      #expect(isClose(values(actual), values(expected), tolerance: 1e-5))
    }
  }

  /// Products big enough to be cut across the worker pool (by rows when `m ≥ n`, else by
  /// columns, with cuts that are not a multiple of the block width) equal the reference's.
  @Test(arguments: [(100, 40, 30), (20, 150, 40), (17, 1000, 9), (515, 3, 50)])
  func splitProductsMatchTheReference(m: Int, n: Int, k: Int) throws {
    let split = OpenBLASBackend()
    split.setThreadCount(2)
    #expect(m * n * k >= OpenBLASBackend.splitFrom)
    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
      let a = buffer(pattern(2 * m * k, seed: 3), transposeA ? [2, k, m] : [2, m, k])
      let b = buffer(pattern(2 * k * n, seed: 4), transposeB ? [2, n, k] : [2, k, n])
      let expected = output([2, m, n])
      let actual = output([2, m, n])
      try reference.matmul(a, b, transposeA: transposeA, transposeB: transposeB, expected)
      try split.matmul(a, b, transposeA: transposeA, transposeB: transposeB, actual)
      #expect(
        isClose(values(actual), values(expected), tolerance: 1e-5),
        "\(m)x\(n)x\(k) transposeA \(transposeA) transposeB \(transposeB)")
    }
  }

  @Test func emptyInnerDimensionGivesZeros() throws {
    let out = output([3, 4])
    try backend.matmul(
      buffer([], [3, 0]), buffer([], [0, 4]), transposeA: false, transposeB: false, out)
    #expect(values(out) == [Double](repeating: 0, count: 12))
  }

  @Test func conformsToTheReference() throws {
    backend.setThreadCount(1)
    #expect(try checkBackendConformance(backend, against: reference) == [])
  }

  @Test func conformanceCheckerCatchesAWrongKernel() throws {
    let mismatches = try checkBackendConformance(OffByOneMatmul(), against: reference)
    // Every matmul case with a non-empty output (11 of the 12), in both float dtypes.
    #expect(mismatches.count == 2 * 11)
    #expect(mismatches.first?.hasPrefix("matmul float32") == true)
  }
}

/// A deliberately broken backend: its products are off by one in the first element.
private final class OffByOneMatmul: Backend, Sendable {
  let name = "broken"
  let inner = ReferenceBackend()
  func supports(_ op: OpCode, _ dtype: DType) -> Bool { inner.supports(op, dtype) && op == .matmul }
  func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool, _ out: TensorBuffer
  ) throws {
    try inner.matmul(a, b, transposeA: transposeA, transposeB: transposeB, out)
    if out.dtype == .float32 {
      out.pointer(Float.self)[0] += 1
    } else {
      out.pointer(Double.self)[0] += 1
    }
  }
  // Everything else is left to the protocol's defaults: a partial backend writes only what it
  // runs.
}

import BackendProtocol
import PlexusReference
import Testing

/// A naive triple loop over logical (possibly transposed) operands, in `Double`.
func naiveMatmul(
  _ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
) -> [Double] {
  var c = [Double](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var sum = 0.0
      for p in 0..<k {
        let x = transposeA ? a[p * m + i] : a[i * k + p]
        let y = transposeB ? b[j * k + p] : b[p * n + j]
        sum += x * y
      }
      c[i * n + j] = sum
    }
  }
  return c
}

/// Deterministic small values, different per seed.
func pattern(_ count: Int, seed: Int) -> [Double] {
  (0..<count).map { Double(($0 * 7 + seed * 13) % 17) / 8 - 1 }
}

@Suite struct ReferenceMatmulTests {
  static let sizes: [(Int, Int, Int)] = [
    (1, 1, 1), (7, 13, 5), (33, 65, 17), (4, 32, 9), (37, 70, 300), (130, 33, 260), (40, 10, 64),
    (33, 1, 200),
  ]

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func float32MatchesNaiveLoop(transposeA: Bool, transposeB: Bool) throws {
    for (m, n, k) in Self.sizes {
      let a = pattern(m * k, seed: 1)
      let b = pattern(k * n, seed: 2)
      let out = output([m, n])
      try reference.matmul(
        buffer(a, transposeA ? [k, m] : [m, k]), buffer(b, transposeB ? [n, k] : [k, n]),
        transposeA: transposeA, transposeB: transposeB, out)
      let expected = naiveMatmul(
        a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
      #expect(isClose(values(out), expected, tolerance: 1e-5), "\(m)×\(n)×\(k)")
    }
  }

  @Test(arguments: [1, 2])
  func float32UsesThreadsCorrectly(threads: Int) throws {
    let backend = ReferenceBackend()
    backend.setThreadCount(threads)
    let (m, n, k) = (150, 96, 100)
    let a = pattern(m * k, seed: 3)
    let b = pattern(k * n, seed: 4)
    let out = output([m, n])
    try backend.matmul(
      buffer(a, [m, k]), buffer(b, [k, n]), transposeA: false, transposeB: false,
      out)
    let expected = naiveMatmul(a, b, m: m, n: n, k: k, transposeA: false, transposeB: false)
    #expect(isClose(values(out), expected, tolerance: 1e-5))
  }

  @Test func float64MatchesNaiveLoopWithTransposes() throws {
    let (m, n, k) = (7, 13, 5)
    let a = pattern(m * k, seed: 5)
    let b = pattern(k * n, seed: 6)
    let out = output([m, n], .float64)
    try reference.matmul(
      buffer(a, [k, m], .float64), buffer(b, [n, k], .float64), transposeA: true,
      transposeB: true, out)
    let expected = naiveMatmul(a, b, m: m, n: n, k: k, transposeA: true, transposeB: true)
    #expect(isClose(values(out), expected, tolerance: 1e-12))
  }

  @Test func batchedWithEqualBatchesAndReusedSide() throws {
    let (batches, m, n, k) = (3, 5, 6, 4)
    let a = pattern(batches * m * k, seed: 7)
    let b = pattern(batches * k * n, seed: 8)
    let out = output([batches, m, n])
    try reference.matmul(
      buffer(a, [batches, m, k]), buffer(b, [batches, k, n]), transposeA: false,
      transposeB: false, out)
    var expected: [Double] = []
    for batch in 0..<batches {
      expected += naiveMatmul(
        Array(a[(batch * m * k)..<((batch + 1) * m * k)]),
        Array(b[(batch * k * n)..<((batch + 1) * k * n)]), m: m, n: n, k: k, transposeA: false,
        transposeB: false)
    }
    #expect(isClose(values(out), expected))

    let shared = pattern(n * k, seed: 9)
    let reused = output([batches, m, n], .float64)
    try reference.matmul(
      buffer(a, [batches, m, k], .float64), buffer(shared, [n, k], .float64), transposeA: false,
      transposeB: true, reused)
    var expectedReused: [Double] = []
    for batch in 0..<batches {
      expectedReused += naiveMatmul(
        Array(a[(batch * m * k)..<((batch + 1) * m * k)]), shared, m: m, n: n, k: k,
        transposeA: false, transposeB: true)
    }
    #expect(isClose(values(reused), expectedReused, tolerance: 1e-12))
  }

  @Test func emptyInnerDimensionGivesZeros() throws {
    let out = output([2, 40])
    try reference.matmul(
      buffer([], [2, 0]), buffer([], [0, 40]), transposeA: false, transposeB: false, out)
    #expect(values(out).allSatisfy { $0 == 0 })
  }
}

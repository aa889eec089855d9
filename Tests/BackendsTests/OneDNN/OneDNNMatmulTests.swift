import BackendProtocol
import PlexusOneDNN
import Testing

@Suite struct OneDNNMatmulTests {
  /// `(a's batch axes, b's batch axes, m, n, k)`: equal batch axes (one or two of them), a side
  /// without any reused for every batch, and single rows, columns and inner sizes, where a
  /// transpose is the same memory as none.
  static let cases: [([Int], [Int], Int, Int, Int)] = [
    ([], [], 7, 13, 5), ([2], [2], 33, 17, 65), ([2, 3], [2, 3], 4, 5, 6), ([3], [], 9, 8, 7),
    ([], [3], 9, 8, 7), ([1], [4], 5, 6, 3), ([2], [], 1, 5, 7), ([], [2], 6, 1, 4),
    ([2], [2], 5, 4, 1), ([], [], 1, 1, 1), ([], [], 130, 70, 260),
  ]

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func matchesTheReference(transposeA: Bool, transposeB: Bool) throws {
    let backend = OneDNNBackend()
    for (seed, (aBatch, bBatch, m, n, k)) in Self.cases.enumerated() {
      let aShape = Shape(aBatch + (transposeA ? [k, m] : [m, k]))
      let bShape = Shape(bBatch + (transposeB ? [n, k] : [k, n]))
      let batch =
        aBatch.isEmpty ? bBatch : bBatch.isEmpty ? aBatch : zip(aBatch, bBatch).map(Swift.max)
      let a = buffer(randomValues(aShape.elementCount, seed: UInt64(2 * seed)), aShape)
      let b = buffer(randomValues(bShape.elementCount, seed: UInt64(2 * seed + 1)), bShape)
      let result = try compare(
        backend, .matmul, [a, b], [.transposeA: .bool(transposeA), .transposeB: .bool(transposeB)],
        Shape(batch + [m, n]))
      // Sums of up to 260 products in another order: the conformance checker's tolerance.
      #expect(result.agrees(within: 1e-4), "\(aShape) · \(bShape)")
    }
  }

  /// Products of middling size run in parts on the worker pool (by batches when there are as
  /// many as parts, by the terms of the sums when they are long against a small output, else
  /// by rows when `m ≥ n` or when wider outputs keep 16 rows a part, else by columns, with cuts
  /// that are not a multiple of the block width; see `ProductSplit`); each part's result is the
  /// whole product's.
  @Test(arguments: [
    (1, 100, 40, 30), (1, 20, 150, 40), (1, 17, 1000, 9), (1, 515, 3, 50), (4, 30, 20, 40),
    (3, 90, 33, 41), (1, 37, 140, 50), (1, 32, 128, 784), (1, 5, 14, 1000), (1, 33, 70, 301),
  ])
  func splitProductsMatchTheReference(batches: Int, m: Int, n: Int, k: Int) throws {
    let backend = OneDNNBackend()
    backend.setThreadCount(2)
    let work = batches * m * n * k
    #expect(work >= OneDNNBackend.splitMultiplyAddsFrom)
    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
      let aShape = Shape([batches] + (transposeA ? [k, m] : [m, k]))
      let bShape = Shape(transposeB ? [n, k] : [k, n])
      let a = buffer(randomValues(aShape.elementCount, seed: 3), aShape)
      let b = buffer(randomValues(bShape.elementCount, seed: 4), bShape)
      let result = try compare(
        backend, .matmul, [a, b], [.transposeA: .bool(transposeA), .transposeB: .bool(transposeB)],
        [batches, m, n])
      #expect(
        result.agrees(within: 1e-4),
        "\(batches)x\(m)x\(n)x\(k) transposeA \(transposeA) transposeB \(transposeB): \(result)")
    }
    if WorkerPool.shared.workerCount > 0, batches == 1 {
      // Blocks of rows or columns here come in two sizes: plans of their own.
      #expect(backend.cachedPlanCount > 4)
    }
    #expect(!backend.implementations.contains { $0.hasPrefix("ref") })
  }

  @Test func emptyInnerDimensionGivesZeros() throws {
    let out = output([3, 4])
    try OneDNNBackend().matmul(
      buffer([], [3, 0]), buffer([], [0, 4]), transposeA: false, transposeB: false, out)
    #expect(values(out) == [Double](repeating: 0, count: 12))
  }

  @Test func mismatchedOperandsThrow() throws {
    let backend = OneDNNBackend()
    #expect(throws: PlexusError.self) {
      try backend.matmul(
        buffer([1, 2, 3, 4, 5, 6], [2, 3]), buffer([1, 2, 3, 4], [2, 2]), transposeA: false,
        transposeB: false, output([2, 2]))
    }
    #expect(throws: PlexusError.self) {
      try backend.matmul(
        buffer(randomValues(24, seed: 1), [2, 3, 4]), buffer(randomValues(60, seed: 2), [3, 4, 5]),
        transposeA: false, transposeB: false, output([2, 3, 5]))
    }
    #expect(throws: PlexusError.self) {
      try backend.matmul(
        buffer([1, 2], [1, 2]), buffer([1, 2], [2, 1], .float64), transposeA: false,
        transposeB: false, output([1, 1]))
    }
  }

  /// With small ops on the host (as registered), a product under
  /// `hostMultiplyAddsBelow` runs on the host kernels and creates no primitive; a larger one
  /// runs on oneDNN. Both agree with the reference.
  @Test func smallProductsRunOnTheHostWhenAsked() throws {
    let backend = OneDNNBackend(smallOpsOnHostBelow: OneDNNBackend.smallOpsOnHostBelow)
    let small = (
      a: buffer(randomValues(8 * 16, seed: 1), [8, 16]),
      b: buffer(randomValues(16 * 12, seed: 2), [16, 12])
    )
    #expect(8 * 16 * 12 < OneDNNBackend.hostMultiplyAddsBelow)
    #expect(try compare(backend, .matmul, [small.a, small.b], [8, 12]).agrees(within: 1e-5))
    #expect(backend.primitivesCreated == 0)
    let large = (
      a: buffer(randomValues(64 * 96, seed: 3), [64, 96]),
      b: buffer(randomValues(96 * 80, seed: 4), [96, 80])
    )
    #expect(try compare(backend, .matmul, [large.a, large.b], [64, 80]).agrees(within: 1e-4))
    #expect(backend.primitivesCreated > 0)
  }
}

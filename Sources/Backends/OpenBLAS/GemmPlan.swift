import BackendProtocol
import CBLAS

/// How one batched product becomes `gemm` calls: per batch, the output cut into `parts`
/// blocks of rows or of columns, each an independent `gemm` on the worker pool.
///
/// A block of rows reads all of `b`, a block of columns all of `a`, so the plan cuts the side
/// that makes the re-read operand the smaller one. Cuts fall on multiples of 8 rows or 16
/// columns, so each block keeps OpenBLAS's full-width kernels. Every output element is the
/// same dot product whatever the cut, so the result does not depend on the part count.
struct GemmPlan {
  /// One `gemm` call's share of a batch: its size and where its operands start.
  struct Block {
    let m: Int32
    let n: Int32
    let aOffset: Int
    let bOffset: Int
    let cOffset: Int
  }

  let transA: CBLAS_TRANSPOSE
  let transB: CBLAS_TRANSPOSE
  let k: Int32
  let lda: Int32
  let ldb: Int32
  let ldc: Int32
  let batches: Int
  let aStride: Int
  let bStride: Int
  let cStride: Int
  let blocks: [Block]

  init(_ geometry: MatmulGeometry, transposeA: Bool, transposeB: Bool, parts: Int) {
    let (m, n) = (geometry.m, geometry.n)
    transA = transposeA ? CblasTrans : CblasNoTrans
    transB = transposeB ? CblasTrans : CblasNoTrans
    k = Int32(clamping: geometry.k)
    lda = Int32(clamping: Swift.max(geometry.lda, 1))
    ldb = Int32(clamping: Swift.max(geometry.ldb, 1))
    ldc = Int32(clamping: n)
    batches = geometry.batches
    aStride = geometry.aStride
    bStride = geometry.bStride
    cStride = m * n
    let (lda, ldb) = (geometry.lda, geometry.ldb)
    let byRows = m >= n
    let cuts = Self.cuts(byRows ? m : n, parts: parts, unit: byRows ? 8 : 16)
    blocks = zip(cuts, cuts.dropFirst()).compactMap { lower, upper in
      guard upper > lower else { return nil }
      return byRows
        ? Block(
          m: Int32(clamping: upper - lower), n: Int32(clamping: n),
          aOffset: transposeA ? lower : lower * lda, bOffset: 0, cOffset: lower * n)
        : Block(
          m: Int32(clamping: m), n: Int32(clamping: upper - lower),
          aOffset: 0, bOffset: transposeB ? lower * ldb : lower, cOffset: lower)
    }
  }

  /// Boundaries `0 = c₀ ≤ c₁ ≤ … ≤ c_parts = size`, inner ones rounded down to `unit`.
  private static func cuts(_ size: Int, parts: Int, unit: Int) -> [Int] {
    guard parts > 1, size >= 2 * unit else { return [0, size] }
    return (0...parts).map { part in
      part == parts ? size : (size * part / parts) / unit * unit
    }
  }

  /// Calls `body(batch, block)` for every batch and block, the blocks of a batch in parallel.
  func run(_ body: (Int, Block) -> Void) {
    for batch in 0..<batches {
      if blocks.count == 1 {
        body(batch, blocks[0])
      } else {
        WorkerPool.shared.run(blocks.count) { part in body(batch, blocks[part]) }
      }
    }
  }
}

import Testing

@testable import PlexusOneDNN

/// Which side a product is cut along: batches first, rows where the output is at least as tall
/// as wide, rows too for a wider output when each part keeps 16 rows and the right operand is
/// untransposed and small enough to read whole per part (dense blocks for oneDNN's `brg`
/// kernels), columns otherwise.
@Suite struct ProductSplitTests {
  @Test func picksTheAxis() {
    func axis(_ batches: Int, _ m: Int, _ n: Int, _ k: Int, transposeB: Bool = false)
      -> ProductSplit.Axis
    {
      ProductSplit(batches: batches, m: m, n: n, k: k, transposeB: transposeB, parts: 2).axis
    }
    #expect(axis(4, 32, 128, 784) == .batches)
    // Long sums into a small output: the MLP's forward product at batch 32 (32 × 784 · 784 ×
    // 128); the CNN's dense layer at batch 128 (128 × 1600 · 1600 × 128) keeps its rows.
    #expect(axis(1, 32, 128, 784) == .sums)
    #expect(axis(1, 32, 128, 784, transposeB: true) == .sums)
    #expect(axis(1, 128, 128, 1600) == .rows)
    #expect(axis(1, 128, 128, 255) == .rows)
    #expect(axis(1, 31, 128, 200) == .columns)
    // A right operand past the re-read limit: each row block would read all 1 MiB + 4 KiB.
    #expect(ProductSplit.rereadBytes == 1 << 20)
    #expect(axis(1, 32, 1025, 256) == .columns)
    #expect(axis(1, 32, 1024, 256) == .rows)
  }

  /// The terms of the sums fall in blocks of 16; every term is in exactly one block.
  @Test func sumBlocksCoverTheSums() {
    let split = ProductSplit(batches: 1, m: 32, n: 128, k: 784, transposeB: false, parts: 2)
    #expect(split.axis == .sums)
    #expect(split.blocks.map(\.lower) == [0, 384] && split.blocks.map(\.upper) == [384, 784])
  }

  /// Row blocks fall on multiples of 8 rows; every row is in exactly one block.
  @Test func rowBlocksCoverTheOutput() {
    let split = ProductSplit(batches: 1, m: 37, n: 140, k: 50, transposeB: false, parts: 2)
    #expect(split.axis == .rows)
    #expect(split.blocks.map(\.lower) == [0, 16] && split.blocks.map(\.upper) == [16, 37])
  }
}

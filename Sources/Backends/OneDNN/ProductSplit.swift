/// How a product of middling size is cut into independent single-threaded products, one per
/// part of ``WorkerPool/shared``: by whole batches when there are enough, else by blocks of
/// rows or columns of the output, at multiples of 8 rows or 16 columns so that each block keeps
/// oneDNN's full-width kernels. Rows where there are at least as many as columns, or at least
/// 16 per part and the right operand (which every row block reads whole) is untransposed and
/// at most ``rereadBytes``: a block of rows keeps its operands dense, which oneDNN's `brg`
/// kernels need, where a block of columns runs on `gemm:jit` (the MLP's 32×784×128 forward:
/// 36–38 µs by rows against 40–44 µs by columns, medians of a traced epoch; with a transposed
/// right operand, the CNN's 128×128×1600, rows measured slower). Columns otherwise, so that
/// the operand every part re-reads is the smaller one. Before all of these, a single product
/// of a few rows whose sums are long against its output (m ≤ ``sumsRowsAtMost``,
/// k ≥ 2·max(m, n): a dense layer's forward pass over a small batch) is cut by the terms of its
/// sums, each part writing partial sums that the
/// caller adds: no operand is read by every part, and each core keeps its own half of the
/// weights, the half the optimizer's elementwise update gives it next (the MLP's Adam update
/// took 53 µs after row blocks, 32–41 µs after split sums). Cut by rows, columns or batches,
/// every output element is the same dot product however it is cut; cut by sums, the cut
/// depends on the sizes and the machine's core count alone, never on the thread setting.
struct ProductSplit {
  /// What the cuts divide.
  enum Axis { case batches, rows, columns, sums }

  let axis: Axis
  /// The boundaries `[lower, upper)` of each part along `axis`; never empty.
  let blocks: [(lower: Int, upper: Int)]

  /// The largest right operand (in bytes) that row blocks may each read whole though the
  /// output has more columns than rows: about a core's L2 cache.
  static let rereadBytes = 1 << 20

  /// The most rows a product cut by its sums has: a small batch. The CNN's dense layer at batch
  /// 128 (128 × 1600 · 1600 × 128) measured no faster cut by sums (5.9 against 5.7 s an
  /// epoch, one run each), so it keeps its row blocks.
  static let sumsRowsAtMost = 64

  init(batches: Int, m: Int, n: Int, k: Int, transposeB: Bool, parts: Int) {
    let rightBytes = [k, n, 4].reduce(1, saturatingProduct)
    if batches >= parts {
      axis = .batches
      blocks = Self.cut(batches, parts: parts, unit: 1)
    } else if batches == 1, m <= Self.sumsRowsAtMost, k >= 2 * Swift.max(m, n), k >= 32 * parts {
      // Long sums into a small output (a layer's forward pass over a small batch): each part
      // reads its own share of both operands, so none is read by every part, and the right
      // operand's halves stay with the core that the elementwise ops after it (an optimizer's
      // update of those weights) give the same halves to.
      axis = .sums
      blocks = Self.cut(k, parts: parts, unit: 16)
    } else if m >= n || (m >= 16 * parts && !transposeB && rightBytes <= Self.rereadBytes) {
      axis = .rows
      blocks = Self.cut(m, parts: parts, unit: 8)
    } else {
      axis = .columns
      blocks = Self.cut(n, parts: parts, unit: 16)
    }
  }

  /// `parts` ranges covering `0..<size`, inner boundaries rounded down to `unit`; one range
  /// when `size` is too small to cut.
  private static func cut(_ size: Int, parts: Int, unit: Int) -> [(lower: Int, upper: Int)] {
    guard parts > 1, size >= 2 * unit else { return [(0, size)] }
    let bounds = (0...parts).map { part in
      part == parts ? size : (size * part / parts) / unit * unit
    }
    return zip(bounds, bounds.dropFirst()).filter { $0 < $1 }.map { ($0, $1) }
  }
}

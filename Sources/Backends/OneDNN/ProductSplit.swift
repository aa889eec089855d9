/// How a product of middling size is cut into independent single-threaded products, one per
/// part of ``WorkerPool/shared``: by whole batches when there are enough, else by blocks of
/// rows or columns of the output, at multiples of 8 rows or 16 columns so that each block keeps
/// oneDNN's full-width kernels. Rows where there are at least as many as columns, or at least
/// 16 per part and the right operand (which every row block reads whole) is untransposed and
/// at most ``rereadBytes``: a block of rows keeps its operands dense, which oneDNN's `brg`
/// kernels need, where a block of columns runs on `gemm:jit` (the MLP's 32×784×128 forward:
/// 36–38 µs by rows against 40–44 µs by columns, medians of a traced epoch; with a transposed
/// right operand, the CNN's 128×128×1600, rows measured slower). Columns otherwise, so that
/// the operand every part re-reads is the smaller one. Every output element is the same dot
/// product however it is cut.
struct ProductSplit {
  /// What the cuts divide.
  enum Axis { case batches, rows, columns }

  let axis: Axis
  /// The boundaries `[lower, upper)` of each part along `axis`; never empty.
  let blocks: [(lower: Int, upper: Int)]

  /// The largest right operand (in bytes) that row blocks may each read whole though the
  /// output has more columns than rows: about a core's L2 cache.
  static let rereadBytes = 1 << 20

  init(batches: Int, m: Int, n: Int, k: Int, transposeB: Bool, parts: Int) {
    let rightBytes = [k, n, 4].reduce(1, saturatingProduct)
    if batches >= parts {
      axis = .batches
      blocks = Self.cut(batches, parts: parts, unit: 1)
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

/// How a product of middling size is cut into independent single-threaded products, one per
/// part of ``WorkerPool/shared``: by whole batches when there are enough, else by blocks of
/// rows or columns of the output (the side that makes the re-read operand the smaller one), at
/// multiples of 8 rows or 16 columns so that each block keeps oneDNN's full-width kernels.
/// Every output element is the same dot product however it is cut.
struct ProductSplit {
  /// What the cuts divide.
  enum Axis { case batches, rows, columns }

  let axis: Axis
  /// The boundaries `[lower, upper)` of each part along `axis`; never empty.
  let blocks: [(lower: Int, upper: Int)]

  init(batches: Int, m: Int, n: Int, parts: Int) {
    if batches >= parts {
      axis = .batches
      blocks = Self.cut(batches, parts: parts, unit: 1)
    } else if m >= n {
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

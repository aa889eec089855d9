/// One operand of a matrix product as stored: a row-major matrix, read transposed or not.
struct MatrixOperand<T> {
  /// The first element.
  let base: UnsafePointer<T>
  /// Elements between consecutive stored rows.
  let leadingDimension: Int
  /// True when the logical matrix is the transpose of the stored one.
  let transposed: Bool

  /// The logical element at `(row, column)`.
  @inline(__always)
  subscript(row: Int, column: Int) -> T {
    transposed
      ? base[column * leadingDimension + row] : base[row * leadingDimension + column]
  }

  /// The logical transpose of this operand (same memory).
  var transposedView: MatrixOperand {
    MatrixOperand(base: base, leadingDimension: leadingDimension, transposed: !transposed)
  }

  /// The same operand moved forward by `offset` elements (the next matrix of a batch).
  func advanced(by offset: Int) -> MatrixOperand {
    MatrixOperand(base: base + offset, leadingDimension: leadingDimension, transposed: transposed)
  }
}

/// A straightforward matrix product, `c = a · b` with `c` of shape `m × n` (row stride `n`):
/// rows of `b` scaled and added into rows of `c`, which vectorises along `n`, or dot products
/// when `b` is read transposed. Used for `float64` and for small `float32` products, where
/// packing would cost more than it saves.
struct DirectGemm<T: RealElement> {
  let m: Int
  let n: Int
  let k: Int

  func run(
    _ a: MatrixOperand<T>, _ b: MatrixOperand<T>, _ c: UnsafeMutablePointer<T>,
    rows: Range<Int>
  ) {
    for i in rows {
      let row = c + i * n
      if b.transposed {
        for j in 0..<n {
          let column = b.base + j * b.leadingDimension
          var sum: T = 0
          if a.transposed {
            for p in 0..<k { sum += a[i, p] * column[p] }
          } else {
            let source = a.base + i * a.leadingDimension
            for p in 0..<k { sum += source[p] * column[p] }
          }
          row[j] = sum
        }
      } else {
        row.update(repeating: 0, count: n)
        for p in 0..<k {
          let scale = a[i, p]
          let source = b.base + p * b.leadingDimension
          for j in 0..<n { row[j] += scale * source[j] }
        }
      }
    }
  }
}

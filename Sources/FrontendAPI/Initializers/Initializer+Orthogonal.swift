extension Initializer {
  /// Keras's `Orthogonal`: a normal matrix of `(rows, columns)` — the last axis against the
  /// product of the others — made orthogonal by a QR decomposition whose R has a positive
  /// diagonal (Gram–Schmidt on the host, in float64), transposed when there are fewer rows
  /// than columns, times `gain`.
  static func orthogonal(_ shape: Shape, gain: Double, dtype: DType) throws -> Tensor {
    guard shape.rank >= 2 else {
      throw PlexusError.invalidArgument(
        context: "Initializer Orthogonal",
        message: "needs a shape of rank ≥ 2, received \(shape); use another initializer")
    }
    guard gain.isFinite else {
      throw PlexusError.invalidArgument(
        context: "Initializer Orthogonal", message: "gain must be finite, received \(gain)")
    }
    let columns = shape[shape.rank - 1]
    let rows = shape.elementCount / Swift.max(columns, 1)
    let (tall, narrow) = (Swift.max(rows, columns), Swift.min(rows, columns))
    // `narrow` orthonormal vectors of length `tall`, each one column of Q.
    let drawn = try Ops.randomNormal([narrow, tall], dtype: .float64).scalars(Double.self)
    var q = [[Double]]()
    for index in 0..<narrow {
      var vector = Array(drawn[index * tall..<(index + 1) * tall])
      // Twice, so that rounding leaves the columns orthogonal to working precision.
      for _ in 0..<2 {
        for basis in q {
          let dot = zip(basis, vector).reduce(0) { $0 + $1.0 * $1.1 }
          for element in vector.indices { vector[element] -= dot * basis[element] }
        }
      }
      let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else {
        throw PlexusError.invalidState(
          context: "Initializer Orthogonal", message: "drew linearly dependent vectors; retry")
      }
      q.append(vector.map { $0 / norm })
    }
    // Q is (tall, narrow) with q[column][row]; the result is (rows, columns).
    var values = [Double](repeating: 0, count: rows * columns)
    for row in 0..<rows {
      for column in 0..<columns {
        let value = rows >= columns ? q[column][row] : q[row][column]
        values[row * columns + column] = gain * value
      }
    }
    return try Tensor(values, shape: shape).cast(to: dtype)
  }
}

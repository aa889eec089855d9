/// The affine resampling ``RandomRotation``, ``RandomTranslation`` and ``RandomZoom`` share:
/// Keras's `ops.image.affine_transform` on channels-last batches, written in ops (so it runs on
/// every backend and replays in a compiled step).
extension ImageAugmentation {
  /// Keras's 8 affine numbers per image, `(batch, 8)`: output pixel `(x, y)` reads the input at
  /// `(a0·x + a1·y + a2, b0·x + b1·y + b2)`; the last two (projective) are zeros.
  static func affineRows(_ columns: [Tensor], batch: Int) throws -> Tensor {
    try Ops.concatenate(
      columns.map { try Ops.reshape($0, [batch, 1]) } + [Tensor.zeros([batch, 2])], axis: 1)
  }

  /// Each pixel of `images` (float32, `(batch, height, width, channels)`) read at the point
  /// `transforms` (`(batch, 8)`, Keras's layout) maps it to, by `interpolation`, with `fillMode`
  /// outside the input. As `jax.scipy.ndimage.map_coordinates`, which Keras's JAX backend runs:
  /// each corner's index is mapped by the fill mode, and in `constant` mode a corner outside the
  /// image reads `fillValue`.
  func affineTransform(
    _ images: Tensor, _ transforms: Tensor, interpolation: Interpolation, fillMode: FillMode,
    fillValue: Double
  ) throws -> Tensor {
    let dims = images.shape.dims
    let (batch, height, width, channels) = (dims[0], dims[1], dims[2], dims[3])
    guard batch > 0, height > 0, width > 0, channels > 0 else { return images }
    // The flat pixel indices are int32.
    let pixels = batch.multipliedReportingOverflow(by: height * width)
    guard !pixels.overflow, pixels.partialValue <= Int(Int32.max) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "transforms at most \(Int32.max) pixels a batch, received \(images.shape)")
    }
    let dtype = images.dtype
    func column(_ index: Int) throws -> Tensor {
      try Ops.reshape(
        Ops.slice(transforms, starts: [0, index], sizes: [batch, 1]), [batch, 1, 1])
    }
    let xs = try Ops.reshape(Ops.cast(Ops.arange(width), to: dtype), [1, 1, width])
    let ys = try Ops.reshape(Ops.cast(Ops.arange(height), to: dtype), [1, height, 1])
    // As Keras's einsum: (y, x) times the matrix, then the offset.
    let sourceX = try Self.onGrid(
      Ops.add(Ops.add(Ops.multiply(ys, column(1)), Ops.multiply(xs, column(0))), column(2)))
    let sourceY = try Self.onGrid(
      Ops.add(Ops.add(Ops.multiply(ys, column(4)), Ops.multiply(xs, column(3))), column(5)))
    let flat = try Ops.reshape(images, [batch * height * width, channels])
    // Integer arithmetic from here: float32 holds whole numbers exactly only to 2^24.
    let first = try Ops.reshape(
      Ops.multiply(
        Ops.cast(Ops.arange(batch), to: .int32),
        Tensor.scalar(Double(height * width), dtype: .int32)),
      [batch, 1, 1])
    let fill = try Tensor.scalar(fillValue, dtype: dtype)
    var output: Tensor?
    for (rowIndex, rowWeight) in try corners(sourceY, interpolation) {
      let (row, rowValid) = try fixed(rowIndex, size: height, fillMode)
      for (columnIndex, columnWeight) in try corners(sourceX, interpolation) {
        let (column, columnValid) = try fixed(columnIndex, size: width, fillMode)
        let index = try Ops.add(
          first,
          Ops.add(
            Ops.multiply(Ops.cast(row, to: .int32), Tensor.scalar(Double(width), dtype: .int32)),
            Ops.cast(column, to: .int32)))
        let positions = try Ops.reshape(index, [batch * height * width])
        var read = try Ops.reshape(
          Ops.take(flat, positions, axis: 0), [batch, height, width, channels])
        if let rowValid, let columnValid {
          let valid = try Ops.expandDims(Ops.logicalAnd(rowValid, columnValid), axis: -1)
          read = try Ops.where(valid, read, fill)
        }
        let weight = try Ops.multiply(rowWeight, columnWeight)
        let term = try Ops.multiply(Ops.expandDims(weight, axis: -1), read)
        output = try output.map { try Ops.add($0, term) } ?? term
      }
    }
    return output ?? images
  }

  /// The farthest a coordinate is read from the image; anything farther, infinite or not a
  /// number (a hostile transformation) reads as `-2`, outside.
  static let coordinateLimit = Double(1 << 22)

  /// `coordinate` with the points beyond ``coordinateLimit`` (and NaN) moved to -2.
  static func onGrid(_ coordinate: Tensor) throws -> Tensor {
    let dtype = coordinate.dtype
    let near = try Ops.lessEqual(Ops.abs(coordinate), Tensor.scalar(coordinateLimit, dtype: dtype))
    return try Ops.where(near, coordinate, Tensor.scalar(-2, dtype: dtype))
  }

  /// The integer points a coordinate reads and their weights: the nearest (halves away from
  /// zero, as JAX's) with weight 1, or the two neighbours with the linear weights.
  private func corners(_ coordinate: Tensor, _ interpolation: Interpolation) throws
    -> [(Tensor, Tensor)]
  {
    switch interpolation {
    case .nearest:
      let magnitude = try Ops.floor(
        Ops.add(Ops.abs(coordinate), Tensor.scalar(0.5, dtype: coordinate.dtype)))
      return [(try Ops.multiply(Ops.sign(coordinate), magnitude), try Ops.onesLike(coordinate))]
    case .bilinear:
      let lower = try Ops.floor(coordinate)
      let upperWeight = try Ops.subtract(coordinate, lower)
      let lowerWeight = try Ops.subtract(Tensor.scalar(1, dtype: coordinate.dtype), upperWeight)
      let upper = try Ops.add(lower, Tensor.scalar(1, dtype: coordinate.dtype))
      return [(lower, lowerWeight), (upper, upperWeight)]
    }
  }

  /// An integer point (as floats) mapped into `0..<size` by the fill mode, and in `constant`
  /// mode whether it lay inside (else nil), as JAX's index fixers.
  private func fixed(_ index: Tensor, size: Int, _ fillMode: FillMode) throws -> (
    Tensor, Tensor?
  ) {
    let dtype = index.dtype
    func scalar(_ value: Double) throws -> Tensor { try Tensor.scalar(value, dtype: dtype) }
    /// `a mod m` with the sign of `m`, as Python's and JAX's `%`.
    func modulo(_ a: Tensor, _ m: Double) throws -> Tensor {
      try Ops.subtract(a, Ops.multiply(Ops.floor(Ops.divide(a, scalar(m))), scalar(m)))
    }
    let last = Double(size - 1)
    switch fillMode {
    case .constant:
      let inside = try Ops.logicalAnd(
        Ops.greaterEqual(index, scalar(0)), Ops.lessEqual(index, scalar(last)))
      return (try Ops.clip(index, min: 0, max: last), inside)
    case .nearest:
      return (try Ops.clip(index, min: 0, max: last), nil)
    case .wrap:
      return (try Ops.clip(modulo(index, Double(size)), min: 0, max: last), nil)
    case .reflect:
      // floor((mirror(2i + 1, 2·size + 1) - 1) / 2), mirror(j, n) = |(j + n - 1) mod 2(n - 1)
      // - (n - 1)|: the half-sample symmetric reflection.
      let span = Double(2 * size)
      let doubled = try Ops.add(Ops.multiply(index, scalar(2)), scalar(1))
      let mirrored = try Ops.abs(
        Ops.subtract(modulo(Ops.add(doubled, scalar(span)), 2 * span), scalar(span)))
      let reflected = try Ops.floor(
        Ops.divide(Ops.subtract(mirrored, scalar(1)), scalar(2)))
      // Guards the rounding of very distant points: the index stays inside.
      return (try Ops.clip(reflected, min: 0, max: last), nil)
    }
  }
}

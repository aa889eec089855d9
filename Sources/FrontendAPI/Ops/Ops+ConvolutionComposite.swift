// The convolution family from primitives: what backends without ``ConvolutionKernels`` run,
// and the oracle every convolution kernel is tested against. The input is padded, its windows
// are gathered into rows (im2col), and the rows meet the kernel in one matrix product (one per
// group, batched); the backward passes reverse the same steps, scatter-adding rows back.

extension Ops {
  /// `conv2d` from primitives.
  public static func conv2dComposite(
    _ x: Tensor, _ kernel: Tensor, _ geometry: Convolution2D
  ) throws -> Tensor {
    let g = geometry
    let rows = try windowRows(x, g.window, padValue: 0)  // [M, K·C]
    let (m, taps) = (g.batch * g.outHeight * g.outWidth, g.kernelHeight * g.kernelWidth)
    let (groups, perGroup, outPerGroup) = (g.groups, g.channels / g.groups, g.filters / g.groups)
    if groups == 1 {
      let product = try matmul(rows, reshape(kernel, [taps * g.channels, g.filters]))
      return try reshape(product, g.outputShape)
    }
    // [M, K, G, C/G] → [G, M, K·C/G] against [G, K·C/G, O/G].
    let grouped = try reshape(
      transpose(reshape(rows, [m, taps, groups, perGroup]), permutation: [2, 0, 1, 3]),
      [groups, m, taps * perGroup])
    let kernels = try transpose(
      reshape(kernel, [taps * perGroup, groups, outPerGroup]), permutation: [1, 0, 2])
    let product = try matmul(grouped, kernels)  // [G, M, O/G]
    return try reshape(transpose(product, permutation: [1, 0, 2]), g.outputShape)
  }

  /// `conv2d_backward_filter` from primitives: the windows' rows, transposed, times the
  /// output's gradient.
  public static func conv2dBackwardFilterComposite(
    _ x: Tensor, _ upstream: Tensor, _ geometry: Convolution2D
  ) throws -> Tensor {
    let g = geometry
    let rows = try windowRows(x, g.window, padValue: 0)
    let (m, taps) = (g.batch * g.outHeight * g.outWidth, g.kernelHeight * g.kernelWidth)
    let (groups, perGroup, outPerGroup) = (g.groups, g.channels / g.groups, g.filters / g.groups)
    if groups == 1 {
      let product = try matmul(rows, reshape(upstream, [m, g.filters]), transposeA: true)
      return try reshape(product, g.filterShape)
    }
    let grouped = try reshape(
      transpose(reshape(rows, [m, taps, groups, perGroup]), permutation: [2, 0, 1, 3]),
      [groups, m, taps * perGroup])
    let gradient = try transpose(
      reshape(upstream, [m, groups, outPerGroup]), permutation: [1, 0, 2])
    let product = try matmul(grouped, gradient, transposeA: true)  // [G, K·C/G, O/G]
    return try reshape(transpose(product, permutation: [1, 0, 2]), g.filterShape)
  }

  /// `conv2d_backward_input` from primitives: the output's gradient times the transposed
  /// kernel gives each window's row, and the rows are added back where they were gathered.
  public static func conv2dBackwardInputComposite(
    _ upstream: Tensor, _ kernel: Tensor, _ geometry: Convolution2D
  ) throws -> Tensor {
    let g = geometry
    let (m, taps) = (g.batch * g.outHeight * g.outWidth, g.kernelHeight * g.kernelWidth)
    let (groups, perGroup, outPerGroup) = (g.groups, g.channels / g.groups, g.filters / g.groups)
    let rows: Tensor
    if groups == 1 {
      rows = try matmul(
        reshape(upstream, [m, g.filters]), reshape(kernel, [taps * g.channels, g.filters]),
        transposeB: true)
    } else {
      let gradient = try transpose(
        reshape(upstream, [m, groups, outPerGroup]), permutation: [1, 0, 2])
      let kernels = try transpose(
        reshape(kernel, [taps * perGroup, groups, outPerGroup]), permutation: [1, 0, 2])
      let product = try matmul(gradient, kernels, transposeB: true)  // [G, M, K·C/G]
      rows = try reshape(
        transpose(reshape(product, [groups, m, taps, perGroup]), permutation: [1, 2, 0, 3]),
        [m, taps * g.channels])
    }
    return try scatterWindowRows(rows, g.window)
  }

  /// The rows of every window of `x` (padded with `padValue`): `[N·OH·OW, KH·KW·C]`, each row
  /// the window's cells in (kh, kw, c) order, the order of a kernel's first three axes.
  static func windowRows(_ x: Tensor, _ window: WindowGeometry, padValue: Double) throws
    -> Tensor
  {
    let w = window
    let padded = try pad(
      x, [(0, 0), (w.padTop, w.padBottom), (w.padLeft, w.padRight), (0, 0)], value: padValue)
    let plane = try reshape(padded, [w.batch, w.paddedHeight * w.paddedWidth, w.channels])
    let gathered = try take(plane, w.indices(), axis: 1)  // [N, OH·OW·KH·KW, C]
    return try reshape(gathered, [w.positions, w.taps * w.channels])
  }

  /// The inverse of ``windowRows(_:_:padValue:)`` for gradients: adds each row's cells back at
  /// the input positions they came from (padding dropped).
  static func scatterWindowRows(_ rows: Tensor, _ window: WindowGeometry) throws -> Tensor {
    let w = window
    let updates = try reshape(rows, [w.batch, w.perImage * w.taps, w.channels])
    let base = try zeros([w.batch, w.paddedHeight * w.paddedWidth, w.channels], dtype: rows.dtype)
    let summed = try scatterAdd(base, indices: w.indices(), updates: updates, axis: 1)
    let padded = try reshape(summed, [w.batch, w.paddedHeight, w.paddedWidth, w.channels])
    return try slice(
      padded, starts: [0, w.padTop, w.padLeft, 0], sizes: [w.batch, w.height, w.width, w.channels]
    )
  }
}

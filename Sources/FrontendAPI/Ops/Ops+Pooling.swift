extension Ops {
  /// The maximum over each `poolSize` window of `x` (`[batch, height, width, channels]`), the
  /// windows `strides` apart (the pool size when nil). Padding cells are never chosen.
  ///
  /// One kernel where a backend has the ``PoolingKernels`` family, else the composite; the
  /// gradient goes to each window's first maximum, as in TensorFlow. Equivalent to
  /// `keras.ops.max_pool`.
  public static func maxPool2d(
    _ x: Tensor, poolSize: [Int], strides: [Int]? = nil, padding: Padding = .valid
  ) throws -> Tensor {
    let geometry = try poolingGeometry(
      x, poolSize: poolSize, strides: strides, padding: padding, op: "max_pool2d")
    // On a tape, its gradient will follow: a backend may keep what that needs (oneDNN keeps
    // each window's maximum, so the gradient need not pool again).
    let attributes =
      !GradientTape.active.isEmpty && x.tapeID != 0
      ? geometry.attributes.with(.training, .bool(true)) : geometry.attributes
    return try family(
      .maxPool2d, [x], attributes, output: x.dtype, geometry.outputShape
    ) { inputs in try maxPool2dComposite(inputs[0], geometry) }
  }

  /// The mean over each window of `x`, counting only cells inside the input (so `"same"`
  /// padding does not dilute the edges), as ``maxPool2d(_:poolSize:strides:padding:)`` lays the
  /// windows out. Equivalent to `keras.ops.average_pool`.
  public static func averagePool2d(
    _ x: Tensor, poolSize: [Int], strides: [Int]? = nil, padding: Padding = .valid
  ) throws -> Tensor {
    let geometry = try poolingGeometry(
      x, poolSize: poolSize, strides: strides, padding: padding, op: "avg_pool2d")
    return try averagePool2d(x, geometry)
  }

  /// The geometry of a pooling of `x`, every argument checked.
  static func poolingGeometry(
    _ x: Tensor, poolSize: [Int], strides: [Int]?, padding: Padding, op: String
  ) throws -> Pooling2D {
    try requireFloat(x, op: op)
    guard x.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "an input [batch, height, width, channels]",
        received: "\(x.shape)")
    }
    guard padding != .causal else {
      throw PlexusError.invalidArgument(context: op, message: "pooling has no \"causal\" padding")
    }
    let window = try pair(poolSize, "pool_size", op)
    let steps = try pair(strides ?? window, "strides", op)
    guard window.allSatisfy({ $0 >= 1 }), steps.allSatisfy({ $0 >= 1 }) else {
      throw PlexusError.invalidArgument(
        context: op,
        message: "pool size and strides must be at least 1, received \(window) and \(steps)")
    }
    let vertical = padding.amounts(x.shape[1], kernel: window[0], stride: steps[0], dilation: 1)
    let horizontal = padding.amounts(x.shape[2], kernel: window[1], stride: steps[1], dilation: 1)
    return try Pooling2D(
      input: x.shape, window: window, strides: steps,
      padding: [vertical.0, vertical.1, horizontal.0, horizontal.1], context: op)
  }

  /// The gradient of max pooling: `upstream` added at each window's first maximum of `x`.
  static func maxPool2dGradient(_ x: Tensor, _ upstream: Tensor, _ geometry: Pooling2D) throws
    -> Tensor
  {
    try family(
      .maxPool2dGradient, [x, upstream], geometry.attributes, output: x.dtype, geometry.inputShape
    ) { inputs in try maxPool2dGradientComposite(inputs[0], inputs[1], geometry) }
  }

  /// The gradient of average pooling: `upstream` spread evenly over each window's cells.
  static func averagePool2dGradient(_ upstream: Tensor, _ geometry: Pooling2D) throws -> Tensor {
    try family(
      .avgPool2dGradient, [upstream], geometry.attributes, output: upstream.dtype,
      geometry.inputShape
    ) { inputs in try averagePool2dGradientComposite(inputs[0], geometry) }
  }

  /// Average pooling for a checked geometry.
  static func averagePool2d(_ x: Tensor, _ geometry: Pooling2D) throws -> Tensor {
    try family(
      .avgPool2d, [x], geometry.attributes, output: x.dtype, geometry.outputShape
    ) { inputs in try averagePool2dComposite(inputs[0], geometry) }
  }

  /// `g` read at each window's first maximum of `x`, `[N, OH, OW, C]`: the adjoint of the max
  /// pooling gradient in its upstream operand (for gradients of gradients), from primitives.
  static func maxPool2dSelect(_ x: Tensor, _ g: Tensor, _ geometry: Pooling2D) throws -> Tensor {
    let w = geometry.window
    let windows = try reshape(
      windowRows(x, w, padValue: -.infinity), [w.positions, w.taps, w.channels])
    let hits = try transpose(
      oneHot(argmax(windows, axis: 1), depth: w.taps, dtype: x.dtype), permutation: [0, 2, 1])
    let values = try reshape(windowRows(g, w, padValue: 0), [w.positions, w.taps, w.channels])
    return try reshape(sum(multiply(hits, values), axes: [1]), geometry.outputShape)
  }

  // MARK: Composites, the oracle of the pooling kernels

  /// `max_pool2d` from primitives: the windows gathered (padding as -∞), then a maximum.
  public static func maxPool2dComposite(_ x: Tensor, _ geometry: Pooling2D) throws -> Tensor {
    let w = geometry.window
    let rows = try windowRows(x, w, padValue: -.infinity)
    let windows = try reshape(rows, [w.positions, w.taps, w.channels])
    return try reshape(max(windows, axes: [1]), geometry.outputShape)
  }

  /// `avg_pool2d` from primitives: the windows gathered (padding as 0), summed, and divided
  /// by each window's count of cells inside the input.
  public static func averagePool2dComposite(_ x: Tensor, _ geometry: Pooling2D) throws -> Tensor {
    let w = geometry.window
    let rows = try windowRows(x, w, padValue: 0)
    let sums = try sum(reshape(rows, [w.positions, w.taps, w.channels]), axes: [1])
    let pooled = try reshape(sums, geometry.outputShape)
    return try divide(pooled, cellCounts(geometry, dtype: x.dtype))
  }

  /// `max_pool2d_gradient` from primitives: a one-hot of each window's first maximum, scaled
  /// by the upstream gradient and added back where the window's cells came from.
  public static func maxPool2dGradientComposite(
    _ x: Tensor, _ upstream: Tensor, _ geometry: Pooling2D
  ) throws -> Tensor {
    let w = geometry.window
    let rows = try windowRows(x, w, padValue: -.infinity)
    let windows = try reshape(rows, [w.positions, w.taps, w.channels])
    let first = try argmax(windows, axis: 1)  // [M, C]
    let hits = try transpose(
      oneHot(first, depth: w.taps, dtype: x.dtype), permutation: [0, 2, 1])  // [M, K, C]
    let spread = try multiply(hits, reshape(upstream, [w.positions, 1, w.channels]))
    return try scatterWindowRows(reshape(spread, [w.positions, w.taps * w.channels]), w)
  }

  /// `avg_pool2d_gradient` from primitives: each upstream value divided by its window's count,
  /// copied to every cell of the window, and added back.
  public static func averagePool2dGradientComposite(_ upstream: Tensor, _ geometry: Pooling2D)
    throws -> Tensor
  {
    let w = geometry.window
    let shares = try divide(upstream, cellCounts(geometry, dtype: upstream.dtype))
    let spread = try multiply(
      reshape(shares, [w.positions, 1, w.channels]), ones([1, w.taps, 1], dtype: upstream.dtype))
    return try scatterWindowRows(reshape(spread, [w.positions, w.taps * w.channels]), w)
  }

  /// The number of each window's cells inside the input, `[1, OH, OW, 1]`.
  private static func cellCounts(_ geometry: Pooling2D, dtype: DType) throws -> Tensor {
    let g = geometry
    func covered(_ start: Int, _ window: Int, _ size: Int) -> Int {
      Swift.max(0, Swift.min(start + window, size) - Swift.max(start, 0))
    }
    var counts: [Double] = []
    counts.reserveCapacity(g.outHeight * g.outWidth)
    for oh in 0..<g.outHeight {
      let rows = covered(oh * g.strideHeight - g.padTop, g.windowHeight, g.height)
      for ow in 0..<g.outWidth {
        counts.append(
          Double(rows * covered(ow * g.strideWidth - g.padLeft, g.windowWidth, g.width)))
      }
    }
    return try cast(Tensor(counts, shape: [1, g.outHeight, g.outWidth, 1]), to: dtype)
  }
}

// One-dimensional, transposed and depthwise convolutions, each written as the 2-D convolution
// family (or its input gradient) on reshaped operands, so that every backend's convolution
// kernels, and the composites where a backend has none, serve them too.

extension Ops {
  /// 1-D convolution in the channels-last layout: `x` is `[batch, steps, channels]`, `kernel`
  /// is `[kernelSize, channels / groups, filters]`, the result is `[batch, outSteps, filters]`.
  /// `"causal"` padding puts `(kernelSize - 1)·dilationRate` zeros before the sequence only, so
  /// that output `t` sees inputs up to `t`.
  ///
  /// Runs as ``conv2d(_:_:strides:padding:dilationRate:)`` over a height of one. Equivalent to
  /// `keras.ops.conv` on 3-D inputs (with Keras's `Conv1D` handling of `"causal"`).
  public static func conv1d(
    _ x: Tensor, _ kernel: Tensor, strides: Int = 1, padding: Padding = .valid,
    dilationRate: Int = 1
  ) throws -> Tensor {
    let op = "conv1d"
    try requireFloat(x, op: op)
    guard kernel.dtype == x.dtype else {
      throw PlexusError.dtypeMismatch(
        context: op, expected: "a kernel in the input's \(x.dtype)", received: "\(kernel.dtype)")
    }
    guard x.rank == 3, kernel.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: op,
        expected: "an input [batch, steps, channels] and a kernel "
          + "[size, channels / groups, filters]",
        received: "\(x.shape) and \(kernel.shape)")
    }
    guard strides >= 1, dilationRate >= 1 else {
      throw PlexusError.invalidArgument(
        context: op,
        message: "strides and dilation_rate must be at least 1, received \(strides) and "
          + "\(dilationRate)")
    }
    let (channels, perGroup) = (x.shape[2], kernel.shape[1])
    guard perGroup >= 1, channels % perGroup == 0 else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "a kernel whose input channels divide the \(channels) channels",
        received: "\(kernel.shape)")
    }
    let (before, after) = padding.amounts(
      x.shape[1], kernel: kernel.shape[0], stride: strides, dilation: dilationRate)
    let planar = try reshape(x, [x.shape[0], 1, x.shape[1], channels])
    let planarKernel = try reshape(kernel, Shape([1] + kernel.shape.dims))
    let geometry = try Convolution2D(
      input: planar.shape, filter: planarKernel.shape, strides: [1, strides],
      dilations: [1, dilationRate], padding: [0, 0, before, after], groups: channels / perGroup,
      context: op)
    let y = try conv2d(planar, planarKernel, geometry)
    return try reshape(y, [x.shape[0], geometry.outWidth, geometry.filters])
  }

  /// Depthwise 2-D convolution: each input channel convolved with its own `depthMultiplier`
  /// filters. `x` is `[batch, height, width, channels]`, `kernel` is `[kernelHeight,
  /// kernelWidth, channels, depthMultiplier]`, and output channel `c·depthMultiplier + m` is
  /// channel `c` convolved with `kernel[:, :, c, m]`.
  ///
  /// Runs as the grouped ``conv2d(_:_:strides:padding:dilationRate:)`` with one group per
  /// channel (the kernel reshaped to `[kernelHeight, kernelWidth, 1, channels·depthMultiplier]`).
  /// Equivalent to `keras.ops.depthwise_conv`.
  public static func depthwiseConv2d(
    _ x: Tensor, _ kernel: Tensor, strides: [Int] = [1], padding: Padding = .valid,
    dilationRate: [Int] = [1]
  ) throws -> Tensor {
    guard x.rank == 4, kernel.rank == 4, kernel.shape[2] == x.shape[3] else {
      throw PlexusError.shapeMismatch(
        context: "depthwise_conv2d",
        expected: "an input [batch, height, width, channels] and a kernel "
          + "[height, width, channels, depth_multiplier] with the same channels",
        received: "\(x.shape) and \(kernel.shape)")
    }
    let k = kernel.shape
    let grouped = try reshape(kernel, [k[0], k[1], 1, k[2] * k[3]])
    return try conv2d(
      x, grouped, strides: strides, padding: padding, dilationRate: dilationRate)
  }

  /// Transposed 2-D convolution (sometimes called deconvolution): the gradient of a
  /// ``conv2d(_:_:strides:padding:dilationRate:)`` with respect to its input, applied to `x`.
  /// `x` is `[batch, height, width, channels]` and `kernel` is `[kernelHeight, kernelWidth,
  /// filters, channels]` (the kernel of the convolution it transposes); the result is `[batch,
  /// outHeight, outWidth, filters]` with, along each axis (`k` the dilated kernel size),
  ///
  ///     "valid": (size - 1)·stride + max(k, stride)      "same": size·stride
  ///
  /// or `(size - 1)·stride + k - 2·pad + outputPadding` when `outputPadding` is given (`pad`:
  /// 0 for `"valid"`, `k / 2` for `"same"`), as Keras lays it out.
  ///
  /// Runs as the convolution family's input gradient with the geometry of the forward
  /// convolution it transposes. Equivalent to `keras.ops.conv_transpose`.
  public static func conv2dTranspose(
    _ x: Tensor, _ kernel: Tensor, strides: [Int] = [1], padding: Padding = .valid,
    outputPadding: [Int]? = nil, dilationRate: [Int] = [1]
  ) throws -> Tensor {
    let op = "conv2d_transpose"
    let (steps, dilations, extra) = try transposeSettings(
      x, kernel, rank: 2, strides: strides, padding: padding, outputPadding: outputPadding,
      dilationRate: dilationRate, op: op)
    var outSizes: [Int] = []
    var amounts: [Int] = []
    for axis in 0..<2 {
      guard
        let (size, before, after) = transposedAxis(
          x.shape[axis + 1], kernel: kernel.shape[axis], stride: steps[axis],
          dilation: dilations[axis], padding: padding, outputPadding: extra?[axis])
      else {
        throw PlexusError.invalidArgument(
          context: op,
          message: "a \(kernel.shape[0])×\(kernel.shape[1]) kernel with strides \(steps) and "
            + "dilation \(dilations) gives no valid output for an input of \(x.shape)")
      }
      outSizes.append(size)
      amounts += [before, after]
    }
    let outputShape = try Shape([x.shape[0], outSizes[0], outSizes[1], kernel.shape[2]])
      .validated(context: op)
    let geometry = try Convolution2D(
      input: outputShape, filter: kernel.shape,
      strides: steps, dilations: dilations, padding: amounts, groups: 1, context: op)
    guard geometry.outputShape == x.shape else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "a forward convolution output \(geometry.outputShape)",
        received: "\(x.shape)")
    }
    return try conv2dBackwardInput(x, kernel, geometry)
  }

  /// The checked settings of a transposed convolution of `rank` spatial axes: `x` of rank
  /// `rank + 2`, a kernel `[*spatial, filters, channels]` of the same dtype and channels, no
  /// causal padding, strides and dilations (one value, or one per axis) at least 1, and an
  /// output padding (when given) below the strides.
  static func transposeSettings(
    _ x: Tensor, _ kernel: Tensor, rank: Int, strides: [Int], padding: Padding,
    outputPadding: [Int]?, dilationRate: [Int], op: String
  ) throws -> (steps: [Int], dilations: [Int], extra: [Int]?) {
    try requireFloat(x, op: op)
    guard kernel.dtype == x.dtype else {
      throw PlexusError.dtypeMismatch(
        context: op, expected: "a kernel in the input's \(x.dtype)", received: "\(kernel.dtype)")
    }
    let spatial = rank == 3 ? "depth, height, width" : "height, width"
    guard x.rank == rank + 2, kernel.rank == rank + 2, kernel.shape[rank + 1] == x.shape[rank + 1]
    else {
      throw PlexusError.shapeMismatch(
        context: op,
        expected: "an input [batch, \(spatial), channels] and a kernel "
          + "[\(spatial), filters, channels] with the same channels",
        received: "\(x.shape) and \(kernel.shape)")
    }
    guard padding != .causal else {
      throw PlexusError.invalidArgument(
        context: op, message: "padding must be \"valid\" or \"same\", received \"causal\"")
    }
    func perAxis(_ values: [Int], _ name: String) throws -> [Int] {
      rank == 3 ? try triple(values, name, op) : try pair(values, name, op)
    }
    let steps = try perAxis(strides, "strides")
    let dilations = try perAxis(dilationRate, "dilation_rate")
    let extra = try outputPadding.map { try perAxis($0, "output_padding") }
    guard steps.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else {
      throw PlexusError.invalidArgument(
        context: op,
        message: "strides and dilation_rate must be at least 1, received \(steps) and "
          + "\(dilations)")
    }
    if let extra, zip(extra, steps).contains(where: { $0.0 < 0 || $0.0 >= $0.1 }) {
      throw PlexusError.invalidArgument(
        context: op,
        message: "output_padding must be at least 0 and below the strides \(steps), "
          + "received \(extra)")
    }
    return (steps, dilations, extra)
  }

  /// Along one axis of a transposed convolution: the output size and the padding `(before,
  /// after)` of the forward convolution it transposes, from Keras's padding of the dilated
  /// input (`left`, `right`, as its JAX backend computes them); nil when a size overflows or
  /// the output would be empty.
  static func transposedAxis(
    _ size: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding, outputPadding: Int?
  ) -> (size: Int, before: Int, after: Int)? {
    // Bounded well below Int.max, so that none of the sums below can overflow.
    let (span, spanOverflow) = (kernel - 1).multipliedReportingOverflow(by: dilation)
    guard !spanOverflow, span < Int.max / 4, stride < Int.max / 4, size >= 1 else { return nil }
    let effective = span + 1
    let (left, right): (Int, Int)
    if padding == .valid {
      (left, right) = (
        effective - 1, effective - 1 + (outputPadding ?? Swift.max(stride - effective, 0))
      )
    } else {
      let length =
        outputPadding.map { effective + effective % 2 - 2 + $0 } ?? stride + effective - 2
      let first = Swift.min(length / 2 + length % 2, effective - 1)
      (left, right) = (first, length - first)
    }
    // The dilated input, (size - 1)·stride + 1 cells, padded and met by the kernel.
    let (scaled, scaledOverflow) = (size - 1).multipliedReportingOverflow(by: stride)
    guard !scaledOverflow, scaled <= Int.max / 2 - left - right - 1 else { return nil }
    let output = scaled + 1 + left + right - effective + 1
    guard output >= 1 else { return nil }
    // Cells past the forward convolution's last window get no gradient: its trailing padding
    // is clamped at zero, and the floor in its output size leaves those cells out.
    return (output, effective - 1 - left, Swift.max(effective - 1 - right, 0))
  }
}

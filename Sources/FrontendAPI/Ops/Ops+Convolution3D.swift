extension Ops {
  /// 3-D convolution in the channels-last layout: `x` is `[batch, depth, height, width,
  /// channels]`, `kernel` is `[kernelDepth, kernelHeight, kernelWidth, channels / groups,
  /// filters]`, the result is `[batch, outDepth, outHeight, outWidth, filters]`. The groups
  /// follow from the shapes, as in Keras; `strides` and `dilationRate` hold one value for the
  /// three axes or one per axis; `"same"` pads each axis as Keras does.
  ///
  /// A composite over ``conv2d(_:_:strides:padding:dilationRate:)``: each kernel depth tap
  /// convolves the depth slices it meets (folded into the batch) with its plane of the kernel,
  /// and the taps are summed, so every backend with a 2-D convolution runs it forward and
  /// backward. Equivalent to `keras.ops.conv` on rank-5 inputs.
  public static func conv3d(
    _ x: Tensor, _ kernel: Tensor, strides: [Int] = [1], padding: Padding = .valid,
    dilationRate: [Int] = [1]
  ) throws -> Tensor {
    let op = "conv3d"
    try requireFloat(x, op: op)
    guard kernel.dtype == x.dtype else {
      throw PlexusError.dtypeMismatch(
        context: op, expected: "a kernel in the input's \(x.dtype)", received: "\(kernel.dtype)")
    }
    guard x.rank == 5, kernel.rank == 5 else {
      throw PlexusError.shapeMismatch(
        context: op,
        expected: "an input [batch, depth, height, width, channels] and a kernel "
          + "[depth, height, width, channels / groups, filters]",
        received: "\(x.shape) and \(kernel.shape)")
    }
    let steps = try triple(strides, "strides", op)
    let dilations = try triple(dilationRate, "dilation_rate", op)
    guard steps.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else {
      throw PlexusError.invalidArgument(
        context: op,
        message: "strides and dilation_rate must be at least 1, received \(steps) and "
          + "\(dilations)")
    }
    guard padding != .causal else {
      throw PlexusError.invalidArgument(
        context: op, message: "\"causal\" padding is for one-dimensional convolutions")
    }
    let (depth, height, width, channels) = (x.shape[1], x.shape[2], x.shape[3], x.shape[4])
    let taps = kernel.shape[0]
    guard depth >= 0, taps >= 1 else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "a known depth and a kernel depth of at least 1",
        received: "\(x.shape) and \(kernel.shape)")
    }
    let (front, back) = padding.amounts(
      depth, kernel: taps, stride: steps[0], dilation: dilations[0])
    guard
      let outDepth = Convolution2D.outputSize(
        depth, kernel: taps, stride: steps[0], dilation: dilations[0], padding: front, back),
      outDepth > 0
    else {
      throw PlexusError.shapeMismatch(
        context: op,
        expected: "a depth the kernel depth \(taps) (dilation \(dilations[0])) fits with "
          + "\"\(padding.rawValue)\" padding",
        received: "\(x.shape)")
    }
    let padded =
      front + back > 0 ? try pad(x, [(0, 0), (front, back), (0, 0), (0, 0), (0, 0)]) : x
    let batch = x.shape[0]
    var sum: Tensor?
    for tap in 0..<taps {
      // The depth slices this tap meets, one per output depth, folded into the batch.
      let first = tap * dilations[0]
      let indices = try Tensor(
        (0..<outDepth).map { Int64(first + $0 * steps[0]) }, shape: [outDepth])
      let slices = try take(padded, indices, axis: 1)
      let planes = try reshape(
        slices, [batch < 0 ? -1 : batch * outDepth, height, width, channels])
      let plane = try reshape(
        take(kernel, Tensor([Int64(tap)], shape: [1]), axis: 0),
        Shape(Array(kernel.shape.dims.dropFirst())))
      let y = try conv2d(
        planes, plane, strides: Array(steps.dropFirst()), padding: padding,
        dilationRate: Array(dilations.dropFirst()))
      sum = try sum.map { try add($0, y) } ?? y
    }
    guard let sum else {
      throw PlexusError.invalidState(context: op, message: "a kernel without taps")
    }
    return try reshape(sum, [batch, outDepth, sum.shape[1], sum.shape[2], sum.shape[3]])
  }

  /// Transposed 3-D convolution: the gradient of a
  /// ``conv3d(_:_:strides:padding:dilationRate:)`` with respect to its input, applied to `x`.
  /// `x` is `[batch, depth, height, width, channels]` and `kernel` is `[kernelDepth,
  /// kernelHeight, kernelWidth, filters, channels]`; each axis is sized as
  /// ``conv2dTranspose(_:_:strides:padding:outputPadding:dilationRate:)`` sizes it, as Keras
  /// lays it out.
  ///
  /// A composite: each kernel depth tap runs the 2-D transposed convolution over the depth
  /// slices (folded into the batch), and its slices are spread along the depth `stride` apart,
  /// shifted to where the tap puts them, and summed. Equivalent to `keras.ops.conv_transpose`
  /// on rank-5 inputs.
  public static func conv3dTranspose(
    _ x: Tensor, _ kernel: Tensor, strides: [Int] = [1], padding: Padding = .valid,
    outputPadding: [Int]? = nil, dilationRate: [Int] = [1]
  ) throws -> Tensor {
    let op = "conv3d_transpose"
    let (steps, dilations, extra) = try transposeSettings(
      x, kernel, rank: 3, strides: strides, padding: padding, outputPadding: outputPadding,
      dilationRate: dilationRate, op: op)
    let (batch, depth, height, width, channels) = (
      x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]
    )
    let taps = kernel.shape[0]
    guard
      depth >= 1, taps >= 1,
      let (outDepth, before, _) = transposedAxis(
        depth, kernel: taps, stride: steps[0], dilation: dilations[0], padding: padding,
        outputPadding: extra?[0])
    else {
      throw PlexusError.invalidArgument(
        context: op,
        message: "a kernel of \(kernel.shape) with strides \(steps) and dilation "
          + "\(dilations) gives no valid output for an input of \(x.shape)")
    }
    let slices = try reshape(x, [batch < 0 ? -1 : batch * depth, height, width, channels])
    // Slice `d` of a tap lands at depth d·stride + tap·dilation - before, or nowhere.
    let spread = depth * steps[0]
    var sum: Tensor?
    for tap in 0..<taps {
      let plane = try reshape(
        take(kernel, Tensor([Int64(tap)], shape: [1]), axis: 0),
        Shape(Array(kernel.shape.dims.dropFirst())))
      let planes = try conv2dTranspose(
        slices, plane, strides: Array(steps.dropFirst()), padding: padding,
        outputPadding: extra.map { Array($0.dropFirst()) },
        dilationRate: Array(dilations.dropFirst()))
      let (outHeight, outWidth, filters) = (planes.shape[1], planes.shape[2], planes.shape[3])
      let cells = outHeight * outWidth * filters
      // Slices `stride` apart: slice d at depth d·stride of `spread`.
      var column = try reshape(planes, [batch, depth, 1, cells])
      if steps[0] > 1 { column = try pad(column, [(0, 0), (0, 0), (0, steps[0] - 1), (0, 0)]) }
      column = try reshape(column, [batch, spread, cells])
      let shift = tap * dilations[0] - before
      let (lead, drop) = (Swift.max(shift, 0), Swift.max(-shift, 0))
      let trail = Swift.max(0, drop + outDepth - spread - lead)
      if lead + trail > 0 { column = try pad(column, [(0, 0), (lead, trail), (0, 0)]) }
      column = try slice(column, starts: [0, drop, 0], sizes: [-1, outDepth, cells])
      let placed = try reshape(column, [batch, outDepth, outHeight, outWidth, filters])
      sum = try sum.map { try add($0, placed) } ?? placed
    }
    guard let sum else {
      throw PlexusError.invalidState(context: op, message: "a kernel without taps")
    }
    return sum
  }

  /// One value for the three axes, or one per axis.
  static func triple(_ values: [Int], _ name: String, _ op: String) throws -> [Int] {
    switch values.count {
    case 1: return [values[0], values[0], values[0]]
    case 3: return values
    default:
      throw PlexusError.invalidArgument(
        context: op, message: "\(name) needs one or three values, received \(values)")
    }
  }
}

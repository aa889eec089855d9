import BackendProtocol
import CDNNL

/// One convolution (or one batch chunk of it) in oneDNN's terms: NHWC activations described
/// by their strides as logical `[N, C, H, W]`, and the filter `[KH, KW, C/G, O]` as logical
/// `[O, C, KH, KW]` (`[G, O/G, C/G, KH, KW]` when grouped), so no operand is copied.
///
/// With the filter in its own layout oneDNN 2.6 runs its im2col kernels (`gemm:jit`); its
/// direct kernels want a blocked filter layout and so a reorder per call (a possible later
/// step).
struct ConvolutionLayout {
  let geometry: Convolution2D
  /// The images this chunk covers.
  let batch: Int

  /// Every size the descriptors are built from, for a cache key.
  var key: [Int] {
    let g = geometry
    return [
      batch, g.height, g.width, g.channels, g.kernelHeight, g.kernelWidth, g.filters, g.groups,
      g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padBottom,
      g.padLeft, g.padRight,
    ]
  }

  func source(_ op: OpCode) throws -> dnnl_memory_desc_t {
    let g = geometry
    return try memoryDescriptor(
      [batch, g.channels, g.height, g.width],
      strides: [g.height * g.width * g.channels, 1, g.width * g.channels, g.channels], op)
  }

  func destination(_ op: OpCode) throws -> dnnl_memory_desc_t {
    let g = geometry
    return try memoryDescriptor(
      [batch, g.filters, g.outHeight, g.outWidth],
      strides: [g.outHeight * g.outWidth * g.filters, 1, g.outWidth * g.filters, g.filters], op)
  }

  func weights(_ op: OpCode) throws -> dnnl_memory_desc_t {
    let g = geometry
    let inputs = g.channels / g.groups
    let (o, kh, kw) = (g.filters, g.kernelHeight, g.kernelWidth)
    // Element (kh, kw, c, o) of the filter is at ((kh·KW + kw)·C/G + c)·O + o.
    let spatial = [kh, kw]
    let spatialStrides = [kw * inputs * o, inputs * o]
    if g.groups == 1 {
      return try memoryDescriptor(
        [o, inputs] + spatial, strides: [1, o] + spatialStrides, op)
    }
    return try memoryDescriptor(
      [g.groups, o / g.groups, inputs] + spatial,
      strides: [o / g.groups, 1, o] + spatialStrides, op)
  }

  /// A stride along an axis with one output position may be any stride past the padded
  /// input (Keras allows one beyond it: one window); oneDNN takes none from 2³¹, so the
  /// smallest that still gives one position is used.
  private var strides: [Int64] {
    let g = geometry
    func stride(
      _ stride: Int, _ outputs: Int, _ size: Int, _ pads: Int, _ kernel: Int, _ dilation: Int
    )
      -> Int64
    {
      guard outputs == 1 else { return Int64(stride) }
      // Bounded: the geometry checked that the span fits the padded input.
      return Int64(Swift.max(1, size + pads - ((kernel - 1) * dilation + 1) + 1))
    }
    return [
      stride(
        g.strideHeight, g.outHeight, g.height, g.padTop + g.padBottom, g.kernelHeight,
        g.dilationHeight),
      stride(
        g.strideWidth, g.outWidth, g.width, g.padLeft + g.padRight, g.kernelWidth,
        g.dilationWidth),
    ]
  }

  /// oneDNN counts dilation from 0 (adjacent taps); a one-tap axis has none.
  private var dilations: [Int64] {
    [
      geometry.kernelHeight == 1 ? 0 : geometry.dilationHeight - 1,
      geometry.kernelWidth == 1 ? 0 : geometry.dilationWidth - 1,
    ].map { Int64($0) }
  }
  private var paddingBefore: [Int64] { [geometry.padTop, geometry.padLeft].map { Int64($0) } }
  private var paddingAfter: [Int64] { [geometry.padBottom, geometry.padRight].map { Int64($0) } }

  /// The forward pass's descriptor (`forward_training` when it is a backward pass's hint).
  private func forward(_ op: OpCode, training: Bool) throws -> PrimitiveDescriptor {
    var (source, weights, destination) = (try source(op), try weights(op), try destination(op))
    var descriptor = dnnl_convolution_desc_t()
    try check(
      dnnl_dilated_convolution_forward_desc_init(
        &descriptor, training ? dnnl_forward_training : dnnl_forward_inference,
        dnnl_convolution_direct, &source, &weights, nil, &destination, strides, dilations,
        paddingBefore, paddingAfter), op, "dnnl_dilated_convolution_forward_desc_init")
    return try PrimitiveDescriptor(op, &descriptor)
  }

  /// The plan of `op` (`conv2d`: x, filter → out; `conv2d_backward_input`: upstream, filter →
  /// out; `conv2d_backward_filter`: x, upstream → out).
  func plan(_ op: OpCode) throws -> PrimitivePlan {
    let (source, weights, destination) = (try source(op), try weights(op), try destination(op))
    switch op {
    case .conv2d:
      return try PrimitivePlan(
        Primitive(op, forward(op, training: false)), op,
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_WEIGHTS, operand: 1, descriptor: weights),
          .init(id: DNNL_ARG_DST, operand: 2, descriptor: destination),
        ])
    case .conv2dBackwardInput:
      let hint = try forward(op, training: true)
      var (gradient, filter, upstream) = (source, weights, destination)
      var descriptor = dnnl_convolution_desc_t()
      try check(
        dnnl_dilated_convolution_backward_data_desc_init(
          &descriptor, dnnl_convolution_direct, &gradient, &filter, &upstream, strides,
          dilations, paddingBefore, paddingAfter), op,
        "dnnl_dilated_convolution_backward_data_desc_init")
      return try PrimitivePlan(
        Primitive(op, PrimitiveDescriptor(op, &descriptor, hint: hint)), op,
        [
          .init(id: DNNL_ARG_DIFF_DST, operand: 0, descriptor: destination),
          .init(id: DNNL_ARG_WEIGHTS, operand: 1, descriptor: weights),
          .init(id: DNNL_ARG_DIFF_SRC, operand: 2, descriptor: source),
        ])
    default:
      let hint = try forward(op, training: true)
      var (input, gradient, upstream) = (source, weights, destination)
      var descriptor = dnnl_convolution_desc_t()
      try check(
        dnnl_dilated_convolution_backward_weights_desc_init(
          &descriptor, dnnl_convolution_direct, &input, &gradient, nil, &upstream, strides,
          dilations, paddingBefore, paddingAfter), op,
        "dnnl_dilated_convolution_backward_weights_desc_init")
      return try PrimitivePlan(
        Primitive(op, PrimitiveDescriptor(op, &descriptor, hint: hint)), op,
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_DIFF_DST, operand: 1, descriptor: destination),
          .init(id: DNNL_ARG_DIFF_WEIGHTS, operand: 2, descriptor: weights),
        ])
    }
  }
}

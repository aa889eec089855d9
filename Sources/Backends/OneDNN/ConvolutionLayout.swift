import BackendProtocol
import CDNNL

/// One convolution (or one batch chunk of it) in oneDNN's terms: NHWC activations described
/// by their strides as logical `[N, C, H, W]`, and the filter `[KH, KW, C/G, O]` as logical
/// `[O, C, KH, KW]` (`[G, O/G, C/G, KH, KW]` when grouped), so no operand is copied.
///
/// With the filter in its own layout oneDNN 2.6 runs its im2col kernels (`gemm:jit`); its
/// direct kernels (`brgconv`, `jit:avx512_core`) want a blocked filter layout, so a plan asks
/// for oneDNN's preferred one: the filter is reordered into it before (the backend keeps the
/// result while the filter lives: ``FilterCache``), the filter's gradient out of it after.
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

  /// The filter's dims as oneDNN counts them (`[O, C, KH, KW]`, `[G, O/G, C/G, KH, KW]` when
  /// grouped), for a descriptor whose layout oneDNN picks.
  private var weightDims: [Int] {
    let g = geometry
    let spatial = [g.kernelHeight, g.kernelWidth]
    return g.groups == 1
      ? [g.filters, g.channels] + spatial
      : [g.groups, g.filters / g.groups, g.channels / g.groups] + spatial
  }

  /// Whether `op` asks oneDNN for its preferred filter layout, reordering the filter (or its
  /// gradient) to and from it: that selects the direct kernels (`brgconv`, `jit:avx512_core`),
  /// 2–10× faster than the im2col kernels (`gemm:jit`) the filter's own layout gets. The
  /// exception is the input's gradient of a convolution from one channel, where the im2col
  /// kernel was measured faster (1.8 against 4.1 ms for the CNN's first convolution).
  func prefersBlockedFilter(_ op: OpCode) -> Bool {
    !(op == .conv2dBackwardInput && geometry.groups == 1 && geometry.channels == 1)
  }

  /// The forward pass's descriptor (`forward_training` when it is a backward pass's hint), with
  /// `filter` as the weights' layout, and a bias and post-op when the op fuses them.
  private func forward(
    _ op: OpCode, training: Bool, filter: dnnl_memory_desc_t, bias: dnnl_memory_desc_t? = nil,
    postOp: EltwisePostOp? = nil
  ) throws -> PrimitiveDescriptor {
    var (source, weights, destination) = (try source(op), filter, try destination(op))
    var descriptor = dnnl_convolution_desc_t()
    let kind = training ? dnnl_forward_training : dnnl_forward_inference
    let status =
      if var bias {
        dnnl_dilated_convolution_forward_desc_init(
          &descriptor, kind, dnnl_convolution_direct, &source, &weights, &bias, &destination,
          strides, dilations, paddingBefore, paddingAfter)
      } else {
        dnnl_dilated_convolution_forward_desc_init(
          &descriptor, kind, dnnl_convolution_direct, &source, &weights, nil, &destination,
          strides, dilations, paddingBefore, paddingAfter)
      }
    try check(status, op, "dnnl_dilated_convolution_forward_desc_init")
    return try PrimitiveDescriptor(op, &descriptor, postOp: postOp)
  }

  /// The plan of `op` (`conv2d`: x, filter → out; `conv2d_bias_activation`: x, filter, bias →
  /// out, with the activation as `postOp`; `conv2d_backward_input`: upstream, filter → out;
  /// `conv2d_backward_filter`: x, upstream → out). With `blocked`, the primitive reads the
  /// filter in the layout it prefers, which the caller makes with the plan's
  /// ``PrimitivePlan/filterReorder``, or writes the filter's gradient into a temporary in it,
  /// which the plan reorders into the output after.
  func plan(_ op: OpCode, blocked: Bool, postOp: EltwisePostOp? = nil) throws -> PrimitivePlan {
    let (source, user, destination) = (try source(op), try weights(op), try destination(op))
    let requested = blocked ? try anyLayoutDescriptor(weightDims, op) : user
    switch op {
    case .conv2d, .conv2dBiasActivation:
      let fused = op == .conv2dBiasActivation
      let bias = fused ? try memoryDescriptor([geometry.filters], op) : nil
      let descriptor = try forward(
        op, training: false, filter: requested, bias: bias, postOp: fused ? postOp : nil)
      let filter = descriptor.descriptor(dnnl_query_weights_md) ?? user
      var arguments: [PrimitivePlan.Argument] = [
        .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source)
      ]
      if let bias { arguments.append(.init(id: DNNL_ARG_BIAS, operand: 2, descriptor: bias)) }
      arguments.append(.init(id: DNNL_ARG_DST, operand: fused ? 3 : 2, descriptor: destination))
      return try withFilter(op, filter, user: user, descriptor, arguments, gradient: false)
    case .conv2dBackwardInput:
      let hint = try forward(op, training: true, filter: requested)
      var (gradient, filter, upstream) = (source, requested, destination)
      var descriptor = dnnl_convolution_desc_t()
      try check(
        dnnl_dilated_convolution_backward_data_desc_init(
          &descriptor, dnnl_convolution_direct, &gradient, &filter, &upstream, strides,
          dilations, paddingBefore, paddingAfter), op,
        "dnnl_dilated_convolution_backward_data_desc_init")
      let primitive = try PrimitiveDescriptor(op, &descriptor, hint: hint)
      return try withFilter(
        op, primitive.descriptor(dnnl_query_weights_md) ?? user, user: user, primitive,
        [
          .init(id: DNNL_ARG_DIFF_DST, operand: 0, descriptor: destination),
          .init(id: DNNL_ARG_DIFF_SRC, operand: 2, descriptor: source),
        ], gradient: false)
    default:
      let hint = try forward(op, training: true, filter: requested)
      var (input, gradient, upstream) = (source, requested, destination)
      var descriptor = dnnl_convolution_desc_t()
      try check(
        dnnl_dilated_convolution_backward_weights_desc_init(
          &descriptor, dnnl_convolution_direct, &input, &gradient, nil, &upstream, strides,
          dilations, paddingBefore, paddingAfter), op,
        "dnnl_dilated_convolution_backward_weights_desc_init")
      let primitive = try PrimitiveDescriptor(op, &descriptor, hint: hint)
      return try withFilter(
        op, primitive.descriptor(dnnl_query_diff_weights_md) ?? user, user: user, primitive,
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: source),
          .init(id: DNNL_ARG_DIFF_DST, operand: 1, descriptor: destination),
        ], gradient: true)
    }
  }

  /// The plan of `primitive` with its filter argument (operand 1, or the output, operand 2, for
  /// the filter's gradient) added to `arguments`: bound directly when the primitive chose the
  /// filter's own layout. Otherwise the filter is read in the chosen layout from operand 1,
  /// which the caller fills with the plan's ``PrimitivePlan/filterReorder`` (or finds in its
  /// ``FilterCache``); the gradient is written into a temporary in the chosen layout, which a
  /// reorder empties into the output after.
  private func withFilter(
    _ op: OpCode, _ chosen: dnnl_memory_desc_t, user: dnnl_memory_desc_t,
    _ primitive: PrimitiveDescriptor, _ arguments: [PrimitivePlan.Argument], gradient: Bool
  ) throws -> PrimitivePlan {
    let id = gradient ? DNNL_ARG_DIFF_WEIGHTS : DNNL_ARG_WEIGHTS
    let operand = gradient ? 2 : 1
    guard !sameLayout(chosen, user) else {
      return try PrimitivePlan(
        Primitive(op, primitive), op,
        arguments + [.init(id: id, operand: operand, descriptor: user)])
    }
    var chosenDescriptor = chosen
    let bytes = Int(clamping: dnnl_memory_desc_get_size(&chosenDescriptor))
    let (from, to) = gradient ? (chosen, user) : (user, chosen)
    let reorder = try Primitive(op, reorderFrom: from, to: to)
    guard gradient else {
      let filterReorder = try PrimitivePlan(
        reorder, op,
        [
          .init(id: DNNL_ARG_FROM, operand: 0, descriptor: user),
          .init(id: DNNL_ARG_TO, operand: 1, descriptor: chosen),
        ])
      return try PrimitivePlan(
        [
          PrimitivePlan.Step(
            primitive: try Primitive(op, primitive),
            arguments: arguments + [.init(id: id, operand: 1, descriptor: chosen)])
        ], op, filterReorder: (filterReorder, bytes))
    }
    let temporary = PrimitivePlan.temporary(0)
    let main = PrimitivePlan.Step(
      primitive: try Primitive(op, primitive),
      arguments: arguments + [.init(id: id, operand: temporary, descriptor: chosen)])
    let emptying = PrimitivePlan.Step(
      primitive: reorder,
      arguments: [
        .init(id: DNNL_ARG_FROM, operand: temporary, descriptor: chosen),
        .init(id: DNNL_ARG_TO, operand: operand, descriptor: user),
      ])
    return try PrimitivePlan([main, emptying], op, temporaries: [bytes])
  }
}

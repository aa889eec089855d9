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
  /// The dtype of the activations, the filter and the bias (float32 or bfloat16). A bfloat16
  /// filter's gradient is written in float32, for the caller to round once after adding the
  /// batch chunks' partial gradients.
  var inputs: DType = .float32

  /// oneDNN's name for ``inputs``.
  private var type: dnnl_data_type_t { inputs == .bfloat16 ? dnnl_bf16 : dnnl_f32 }

  /// Every size the descriptors are built from, for a cache key.
  var key: [Int] {
    let g = geometry
    return [
      batch, g.height, g.width, g.channels, g.kernelHeight, g.kernelWidth, g.filters, g.groups,
      g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padBottom,
      g.padLeft, g.padRight, inputs == .bfloat16 ? 1 : 0,
    ]
  }

  func source(_ op: OpCode) throws -> dnnl_memory_desc_t {
    let g = geometry
    return try memoryDescriptor(
      [batch, g.channels, g.height, g.width],
      strides: [g.height * g.width * g.channels, 1, g.width * g.channels, g.channels], op,
      type: type)
  }

  func destination(_ op: OpCode) throws -> dnnl_memory_desc_t {
    let g = geometry
    return try memoryDescriptor(
      [batch, g.filters, g.outHeight, g.outWidth],
      strides: [g.outHeight * g.outWidth * g.filters, 1, g.outWidth * g.filters, g.filters], op,
      type: type)
  }

  /// The filter in its own layout, of ``inputs``' dtype unless `type` says otherwise.
  func weights(_ op: OpCode, type: dnnl_data_type_t? = nil) throws -> dnnl_memory_desc_t {
    let type = type ?? self.type
    let g = geometry
    let inputs = g.channels / g.groups
    let (o, kh, kw) = (g.filters, g.kernelHeight, g.kernelWidth)
    // Element (kh, kw, c, o) of the filter is at ((kh·KW + kw)·C/G + c)·O + o.
    let spatial = [kh, kw]
    let spatialStrides = [kw * inputs * o, inputs * o]
    if g.groups == 1 {
      return try memoryDescriptor(
        [o, inputs] + spatial, strides: [1, o] + spatialStrides, op, type: type)
    }
    return try memoryDescriptor(
      [g.groups, o / g.groups, inputs] + spatial,
      strides: [o / g.groups, 1, o] + spatialStrides, op, type: type)
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

  /// Whether `op` is worth running on oneDNN's Winograd kernels (`jit_wino_4x3`, F(4×4, 3×3)):
  /// an ungrouped 3×3 convolution of stride 1 and no dilation between at least 16 channels
  /// and 16 filters, each a multiple of 16 (the kernels' vector width), forward or the
  /// filter's gradient. Measured on the CNN's second convolution (64 images, 13×13×32 → 64,
  /// one thread): forward 2.8 → 1.6 ms and the filter's gradient 2.9 → 1.7 ms, reorders of the
  /// activations included; its input gradient is no faster (2.8 ms either way) and keeps the
  /// direct kernel, as do convolutions from few channels (the first one's forward takes 3.0
  /// against 0.3 ms).
  func prefersWinograd(_ op: OpCode) -> Bool {
    let g = geometry
    // oneDNN 2.6's Winograd kernels compute in float32 only.
    return inputs == .float32
      && (op == .conv2d || op == .conv2dBiasActivation || op == .conv2dBackwardFilter)
      && g.groups == 1 && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1
      && g.strideWidth == 1 && g.dilationHeight == 1 && g.dilationWidth == 1
      && g.channels >= 16 && g.channels % 16 == 0 && g.filters >= 16 && g.filters % 16 == 0
      && g.outHeight > 0 && g.outWidth > 0
  }

  /// The descriptors a primitive is asked for: the activations in their own (NHWC) layout, or
  /// in the one oneDNN picks (`winograd`: its Winograd kernels read and write blocked
  /// layouts only), and the filter in its own layout or the picked one (`blocked`).
  private func requested(_ op: OpCode, blocked: Bool, winograd: Bool) throws
    -> (source: dnnl_memory_desc_t, filter: dnnl_memory_desc_t, destination: dnnl_memory_desc_t)
  {
    let g = geometry
    guard winograd else {
      return (
        try source(op),
        blocked ? try anyLayoutDescriptor(weightDims, op, type: type) : try weights(op),
        try destination(op)
      )
    }
    return (
      try anyLayoutDescriptor([batch, g.channels, g.height, g.width], op, type: type),
      try anyLayoutDescriptor(weightDims, op, type: type),
      try anyLayoutDescriptor([batch, g.filters, g.outHeight, g.outWidth], op, type: type)
    )
  }

  /// The forward pass's descriptor (`forward_training` when it is a backward pass's hint), with
  /// `filter` as the weights' layout, and a bias and post-op when the op fuses them.
  private func forward(
    _ op: OpCode, training: Bool, algorithm: dnnl_alg_kind_t,
    _ layouts: (
      source: dnnl_memory_desc_t, filter: dnnl_memory_desc_t, destination: dnnl_memory_desc_t
    ),
    bias: dnnl_memory_desc_t? = nil, postOp: EltwisePostOp? = nil
  ) throws -> PrimitiveDescriptor {
    var (source, weights, destination) = layouts
    var descriptor = dnnl_convolution_desc_t()
    let kind = training ? dnnl_forward_training : dnnl_forward_inference
    let status =
      if var bias {
        dnnl_dilated_convolution_forward_desc_init(
          &descriptor, kind, algorithm, &source, &weights, &bias, &destination,
          strides, dilations, paddingBefore, paddingAfter)
      } else {
        dnnl_dilated_convolution_forward_desc_init(
          &descriptor, kind, algorithm, &source, &weights, nil, &destination,
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
  /// which the plan reorders into the output after. With `winograd` (see
  /// ``prefersWinograd(_:)``), oneDNN's Winograd kernels run it, the activations reordered
  /// into and out of their layouts as well.
  func plan(_ op: OpCode, blocked: Bool, winograd: Bool = false, postOp: EltwisePostOp? = nil)
    throws -> PrimitivePlan
  {
    // The filter's gradient is float32 whatever the inputs (``inputs``).
    let gradientType = op == .conv2dBackwardFilter ? dnnl_f32 : type
    let (source, user, destination) = (
      try source(op), try weights(op, type: gradientType), try destination(op)
    )
    let layouts = try requested(op, blocked: blocked, winograd: winograd)
    let algorithm = winograd ? dnnl_convolution_winograd : dnnl_convolution_direct
    switch op {
    case .conv2d, .conv2dBiasActivation:
      let fused = op == .conv2dBiasActivation
      let bias = fused ? try memoryDescriptor([geometry.filters], op, type: type) : nil
      // Winograd's inference kernel wants the filter transformed ahead (`wino` layout), a
      // reorder of 0.7 ms for the CNN's second convolution on every step while its weights
      // change; its training kernel transforms a blocked filter as it runs.
      let descriptor = try forward(
        op, training: winograd, algorithm: algorithm, layouts, bias: bias,
        postOp: fused ? postOp : nil)
      var bindings = [
        Binding(id: DNNL_ARG_SRC, operand: 0, user: source, query: dnnl_query_src_md),
        Binding(
          id: DNNL_ARG_DST, operand: fused ? 3 : 2, user: destination, query: dnnl_query_dst_md,
          isOutput: true),
      ]
      if let bias {
        bindings.append(
          Binding(id: DNNL_ARG_BIAS, operand: 2, user: bias, query: dnnl_query_weights_md, index: 1)
        )
      }
      return try assemble(
        op, descriptor, bindings,
        filter: Binding(
          id: DNNL_ARG_WEIGHTS, operand: 1, user: user, query: dnnl_query_weights_md))
    case .conv2dBackwardInput:
      let hint = try forward(op, training: true, algorithm: algorithm, layouts)
      var (gradient, filter, upstream) = layouts
      var descriptor = dnnl_convolution_desc_t()
      try check(
        dnnl_dilated_convolution_backward_data_desc_init(
          &descriptor, algorithm, &gradient, &filter, &upstream, strides,
          dilations, paddingBefore, paddingAfter), op,
        "dnnl_dilated_convolution_backward_data_desc_init")
      return try assemble(
        op, try PrimitiveDescriptor(op, &descriptor, hint: hint),
        [
          Binding(
            id: DNNL_ARG_DIFF_DST, operand: 0, user: destination, query: dnnl_query_diff_dst_md),
          Binding(
            id: DNNL_ARG_DIFF_SRC, operand: 2, user: source, query: dnnl_query_diff_src_md,
            isOutput: true),
        ],
        filter: Binding(
          id: DNNL_ARG_WEIGHTS, operand: 1, user: user, query: dnnl_query_weights_md))
    default:
      let hint = try forward(op, training: true, algorithm: algorithm, layouts)
      var (input, gradient, upstream) = layouts
      if inputs != .float32 {
        gradient =
          blocked ? try anyLayoutDescriptor(weightDims, op) : try weights(op, type: dnnl_f32)
      }
      var descriptor = dnnl_convolution_desc_t()
      try check(
        dnnl_dilated_convolution_backward_weights_desc_init(
          &descriptor, algorithm, &input, &gradient, nil, &upstream, strides,
          dilations, paddingBefore, paddingAfter), op,
        "dnnl_dilated_convolution_backward_weights_desc_init")
      return try assemble(
        op, try PrimitiveDescriptor(op, &descriptor, hint: hint),
        [
          Binding(id: DNNL_ARG_SRC, operand: 0, user: source, query: dnnl_query_src_md),
          Binding(
            id: DNNL_ARG_DIFF_DST, operand: 1, user: destination, query: dnnl_query_diff_dst_md),
          Binding(
            id: DNNL_ARG_DIFF_WEIGHTS, operand: 2, user: user,
            query: dnnl_query_diff_weights_md, isOutput: true),
        ])
    }
  }

  /// One argument of a convolution primitive: the operand it binds, that operand's own layout
  /// (`user`), and the query for the layout the primitive chose.
  private struct Binding {
    let id: Int32
    let operand: Int
    let user: dnnl_memory_desc_t
    let query: dnnl_query_t
    var index: Int32 = 0
    var isOutput = false
  }

  /// The plan of `primitive`: every argument whose chosen layout is its operand's own is bound
  /// to the operand directly; another input is reordered into a temporary in the chosen
  /// layout first, another output written into a temporary and reordered into the operand
  /// after. The filter a forward pass or input gradient reads (`filter`, operand 1) in another
  /// layout is not reordered by the plan: the caller fills operand 1 with the result of the
  /// plan's ``PrimitivePlan/filterReorder`` (or finds it in its ``FilterCache``).
  private func assemble(
    _ op: OpCode, _ primitive: PrimitiveDescriptor, _ bindings: [Binding],
    filter: Binding? = nil
  ) throws -> PrimitivePlan {
    var before: [PrimitivePlan.Step] = []
    var after: [PrimitivePlan.Step] = []
    var arguments: [PrimitivePlan.Argument] = []
    var temporaries: [Int] = []
    for binding in bindings {
      let chosen = primitive.descriptor(binding.query, index: binding.index) ?? binding.user
      guard !sameLayout(chosen, binding.user) else {
        arguments.append(.init(id: binding.id, operand: binding.operand, descriptor: chosen))
        continue
      }
      var size = chosen
      let temporary = PrimitivePlan.temporary(temporaries.count)
      temporaries.append(Int(clamping: dnnl_memory_desc_get_size(&size)))
      arguments.append(.init(id: binding.id, operand: temporary, descriptor: chosen))
      let (from, to) =
        binding.isOutput
        ? ((temporary, chosen), (binding.operand, binding.user))
        : ((binding.operand, binding.user), (temporary, chosen))
      let reorder = PrimitivePlan.Step(
        primitive: try Primitive(op, reorderFrom: from.1, to: to.1),
        arguments: [
          .init(id: DNNL_ARG_FROM, operand: from.0, descriptor: from.1),
          .init(id: DNNL_ARG_TO, operand: to.0, descriptor: to.1),
        ])
      if binding.isOutput { after.append(reorder) } else { before.append(reorder) }
    }
    var filterReorder: (plan: PrimitivePlan, bytes: Int)?
    if let filter {
      let chosen = primitive.descriptor(filter.query) ?? filter.user
      arguments.append(.init(id: filter.id, operand: filter.operand, descriptor: chosen))
      if !sameLayout(chosen, filter.user) {
        var size = chosen
        filterReorder = (
          try PrimitivePlan(
            Primitive(op, reorderFrom: filter.user, to: chosen), op,
            [
              .init(id: DNNL_ARG_FROM, operand: 0, descriptor: filter.user),
              .init(id: DNNL_ARG_TO, operand: 1, descriptor: chosen),
            ]),
          Int(clamping: dnnl_memory_desc_get_size(&size))
        )
      }
    }
    let main = PrimitivePlan.Step(primitive: try Primitive(op, primitive), arguments: arguments)
    return try PrimitivePlan(
      before + [main] + after, op, temporaries: temporaries, filterReorder: filterReorder)
  }
}

import BackendProtocol
import CDNNL

/// A pooling in oneDNN's terms: NHWC tensors described by their strides as logical
/// `[N, C, H, W]`, average pooling over the cells inside the input
/// (`dnnl_pooling_avg_exclude_padding`, as Keras and TensorFlow divide), and the backward pass
/// of max pooling fed by a forward pass that records each window's maximum in a workspace
/// (oneDNN, like TensorFlow, keeps the first maximum in row-major order).
struct PoolingLayout {
  let geometry: Pooling2D
  /// The images this plan covers (a chunk of the batch).
  let batch: Int

  /// Every size the descriptors are built from, for a cache key.
  var key: [Int] {
    let g = geometry
    return [
      batch, g.height, g.width, g.channels, g.windowHeight, g.windowWidth, g.strideHeight,
      g.strideWidth, g.padTop, g.padBottom, g.padLeft, g.padRight,
    ]
  }

  private func tensor(_ height: Int, _ width: Int, _ op: OpCode) throws -> dnnl_memory_desc_t {
    let (n, c) = (batch, geometry.channels)
    return try memoryDescriptor(
      [n, c, height, width], strides: [height * width * c, 1, width * c, c], op)
  }

  /// Max pooling's forward descriptor in training and the workspace it writes (each window's
  /// argmax, which its backward pass reads).
  private func maxTrainingForward(_ op: OpCode) throws
    -> (PrimitiveDescriptor, workspace: (descriptor: dnnl_memory_desc_t, bytes: Int))
  {
    let descriptor = try forward(op, dnnl_pooling_max, training: true)
    guard let workspace = descriptor.memory(dnnl_query_workspace_md) else {
      throw PlexusError.invalidState(
        context: "\(op) on onednn", message: "oneDNN's max pooling asked for no workspace")
    }
    return (descriptor, workspace)
  }

  private func forward(_ op: OpCode, _ algorithm: dnnl_alg_kind_t, training: Bool) throws
    -> PrimitiveDescriptor
  {
    let g = geometry
    var source = try tensor(g.height, g.width, op)
    var destination = try tensor(g.outHeight, g.outWidth, op)
    var descriptor = dnnl_pooling_v2_desc_t()
    try check(
      dnnl_pooling_v2_forward_desc_init(
        &descriptor, training ? dnnl_forward_training : dnnl_forward_inference, algorithm,
        &source, &destination, strides, window, [0, 0], paddingBefore, paddingAfter), op,
      "dnnl_pooling_v2_forward_desc_init")
    return try PrimitiveDescriptor(op, &descriptor)
  }

  /// A stride along an axis with one output position may be any stride past the padded
  /// input; oneDNN takes none from 2³¹, so the smallest that still gives one position is used.
  private var strides: [Int64] {
    let g = geometry
    func stride(_ stride: Int, _ outputs: Int, _ size: Int, _ pads: Int, _ window: Int) -> Int64 {
      // Bounded: the geometry checked that the window fits the padded input.
      outputs == 1 ? Int64(Swift.max(1, size + pads - window + 1)) : Int64(stride)
    }
    return [
      stride(g.strideHeight, g.outHeight, g.height, g.padTop + g.padBottom, g.windowHeight),
      stride(g.strideWidth, g.outWidth, g.width, g.padLeft + g.padRight, g.windowWidth),
    ]
  }

  private var window: [Int64] { [geometry.windowHeight, geometry.windowWidth].map { Int64($0) } }
  private var paddingBefore: [Int64] { [geometry.padTop, geometry.padLeft].map { Int64($0) } }
  private var paddingAfter: [Int64] { [geometry.padBottom, geometry.padRight].map { Int64($0) } }

  /// The plan of `op`: `max_pool2d` and `avg_pool2d` (x → out), `avg_pool2d_gradient`
  /// (upstream → out), `max_pool2d_gradient` (x, upstream → out: the forward pass into
  /// temporaries, then the backward pass from its workspace).
  func plan(_ op: OpCode) throws -> PrimitivePlan {
    let g = geometry
    let input = try tensor(g.height, g.width, op)
    let pooled = try tensor(g.outHeight, g.outWidth, op)
    switch op {
    case .maxPool2d, .avgPool2d:
      let algorithm = op == .maxPool2d ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding
      return try PrimitivePlan(
        Primitive(op, forward(op, algorithm, training: false)), op,
        [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: input),
          .init(id: DNNL_ARG_DST, operand: 1, descriptor: pooled),
        ])
    case .avgPool2dGradient:
      let hint = try forward(op, dnnl_pooling_avg_exclude_padding, training: true)
      return try PrimitivePlan(
        Primitive(op, backward(op, dnnl_pooling_avg_exclude_padding, hint: hint)), op,
        [
          .init(id: DNNL_ARG_DIFF_DST, operand: 0, descriptor: pooled),
          .init(id: DNNL_ARG_DIFF_SRC, operand: 1, descriptor: input),
        ])
    default:
      let (hint, workspace) = try maxTrainingForward(op)
      let (pooledValues, indices) = (PrimitivePlan.temporary(0), PrimitivePlan.temporary(1))
      let forwardStep = PrimitivePlan.Step(
        primitive: try Primitive(op, hint),
        arguments: [
          .init(id: DNNL_ARG_SRC, operand: 0, descriptor: input),
          .init(id: DNNL_ARG_DST, operand: pooledValues, descriptor: pooled),
          .init(id: DNNL_ARG_WORKSPACE, operand: indices, descriptor: workspace.descriptor),
        ])
      let backwardStep = PrimitivePlan.Step(
        primitive: try Primitive(op, backward(op, dnnl_pooling_max, hint: hint)),
        arguments: [
          .init(id: DNNL_ARG_DIFF_DST, operand: 1, descriptor: pooled),
          .init(id: DNNL_ARG_WORKSPACE, operand: indices, descriptor: workspace.descriptor),
          .init(id: DNNL_ARG_DIFF_SRC, operand: 2, descriptor: input),
        ])
      return try PrimitivePlan(
        [forwardStep, backwardStep], op,
        temporaries: [4 * batch * g.outHeight * g.outWidth * g.channels, workspace.bytes])
    }
  }

  /// Max pooling's forward pass in training, which also writes the workspace its gradient
  /// reads (x → out, workspace: operands 0, 1, 2).
  func trainingPlan() throws -> PrimitivePlan {
    let op = OpCode.maxPool2d
    let g = geometry
    let (descriptor, workspace) = try maxTrainingForward(op)
    return try PrimitivePlan(
      Primitive(op, descriptor), op,
      [
        .init(id: DNNL_ARG_SRC, operand: 0, descriptor: try tensor(g.height, g.width, op)),
        .init(id: DNNL_ARG_DST, operand: 1, descriptor: try tensor(g.outHeight, g.outWidth, op)),
        .init(id: DNNL_ARG_WORKSPACE, operand: 2, descriptor: workspace.descriptor),
      ])
  }

  /// Max pooling's backward pass alone, from the workspace ``trainingPlan()`` wrote (upstream,
  /// workspace → out: operands 0, 1, 2).
  func gradientFromWorkspacePlan() throws -> PrimitivePlan {
    let op = OpCode.maxPool2dGradient
    let g = geometry
    let (hint, workspace) = try maxTrainingForward(op)
    return try PrimitivePlan(
      Primitive(op, backward(op, dnnl_pooling_max, hint: hint)), op,
      [
        .init(
          id: DNNL_ARG_DIFF_DST, operand: 0, descriptor: try tensor(g.outHeight, g.outWidth, op)),
        .init(id: DNNL_ARG_WORKSPACE, operand: 1, descriptor: workspace.descriptor),
        .init(id: DNNL_ARG_DIFF_SRC, operand: 2, descriptor: try tensor(g.height, g.width, op)),
      ])
  }

  private func backward(_ op: OpCode, _ algorithm: dnnl_alg_kind_t, hint: PrimitiveDescriptor)
    throws -> PrimitiveDescriptor
  {
    let g = geometry
    var gradient = try tensor(g.height, g.width, op)
    var upstream = try tensor(g.outHeight, g.outWidth, op)
    var descriptor = dnnl_pooling_v2_desc_t()
    try check(
      dnnl_pooling_v2_backward_desc_init(
        &descriptor, algorithm, &gradient, &upstream, strides, window, [0, 0], paddingBefore,
        paddingAfter), op, "dnnl_pooling_v2_backward_desc_init")
    return try PrimitiveDescriptor(op, &descriptor, hint: hint)
  }
}

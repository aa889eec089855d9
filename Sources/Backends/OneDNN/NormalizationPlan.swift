import BackendProtocol
import CDNNL

/// A batch or layer normalization in oneDNN's terms: x as a plain 2-D `[rows, features]`
/// tensor (oneDNN's `nc`, so a batch normalization's statistics are over every axis of x but
/// the last), gamma and beta as separate `[features]` scale and shift (`dnnl_use_scale`,
/// `dnnl_use_shift`), the statistics `[features]` (batch) or `[rows]` (layer). oneDNN's
/// variance is the biased one and its epsilon is added under the square root, as Keras's.
struct NormalizationPlan {
  let op: OpCode
  let rows: Int
  let features: Int
  let epsilon: Float

  /// Whether the statistics are per row (layer normalization) rather than per feature.
  private var perRow: Bool { op == .layerNorm || op == .layerNormGradient }

  /// Every size the descriptors are built from, for a cache key.
  var key: [Int] { [rows, features, Int(epsilon.bitPattern)] }

  private var data: dnnl_memory_desc_t {
    get throws { try memoryDescriptor([rows, features], op) }
  }
  private var parameter: dnnl_memory_desc_t {
    get throws { try memoryDescriptor([features], op) }
  }
  private var statistic: dnnl_memory_desc_t {
    get throws { try memoryDescriptor([perRow ? rows : features], op) }
  }

  /// The forward pass's descriptor: training computes and writes the statistics, inference
  /// (batch normalization only) reads them (`dnnl_use_global_stats`).
  private func forward(training: Bool) throws -> PrimitiveDescriptor {
    var data = try data
    let kind = training ? dnnl_forward_training : dnnl_forward_inference
    let flags = Self.scaleAndShift | (training ? 0 : dnnl_use_global_stats.rawValue)
    if perRow {
      var statistic = try statistic
      var descriptor = dnnl_layer_normalization_desc_t()
      try check(
        dnnl_layer_normalization_forward_desc_init(
          &descriptor, kind, &data, &statistic, epsilon, flags), op,
        "dnnl_layer_normalization_forward_desc_init")
      return try PrimitiveDescriptor(op, &descriptor)
    }
    var descriptor = dnnl_batch_normalization_desc_t()
    try check(
      dnnl_batch_normalization_forward_desc_init(&descriptor, kind, &data, epsilon, flags), op,
      "dnnl_batch_normalization_forward_desc_init")
    return try PrimitiveDescriptor(op, &descriptor)
  }

  /// The backward pass's descriptor (`dnnl_backward`: the gradients of x, scale and shift).
  private func backward(hint: PrimitiveDescriptor) throws -> PrimitiveDescriptor {
    var (gradient, data) = (try data, try data)
    if perRow {
      var statistic = try statistic
      var descriptor = dnnl_layer_normalization_desc_t()
      try check(
        dnnl_layer_normalization_backward_desc_init(
          &descriptor, dnnl_backward, &gradient, &data, &statistic, epsilon, Self.scaleAndShift),
        op, "dnnl_layer_normalization_backward_desc_init")
      return try PrimitiveDescriptor(op, &descriptor, hint: hint)
    }
    var descriptor = dnnl_batch_normalization_desc_t()
    try check(
      dnnl_batch_normalization_backward_desc_init(
        &descriptor, dnnl_backward, &gradient, &data, epsilon, Self.scaleAndShift), op,
      "dnnl_batch_normalization_backward_desc_init")
    return try PrimitiveDescriptor(op, &descriptor, hint: hint)
  }

  private static let scaleAndShift = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue

  /// The plan of the op, its operands numbered as the backend passes them:
  /// training forward (`batch_norm` in training, `layer_norm`): x, gamma, beta, y, mean,
  /// variance; inference (`batch_norm`): x, gamma, beta, mean, variance, y; backward: x,
  /// gamma, mean, variance, upstream, dx, dgamma, dbeta.
  func plan(training: Bool) throws -> PrimitivePlan {
    let (data, parameter, statistic) = (try data, try parameter, try statistic)
    func argument(_ id: Int32, _ operand: Int, _ descriptor: dnnl_memory_desc_t)
      -> PrimitivePlan.Argument
    {
      .init(id: id, operand: operand, descriptor: descriptor)
    }
    switch op {
    case .batchNormGradient, .layerNormGradient:
      let hint = try forward(training: true)
      // oneDNN 2.6 counts the shift among a backward pass's inputs when it computes the
      // shift's gradient, though no gradient depends on it: a temporary stands in for it.
      let step = PrimitivePlan.Step(
        primitive: try Primitive(op, backward(hint: hint)),
        arguments: [
          argument(DNNL_ARG_SRC, 0, data), argument(DNNL_ARG_SCALE, 1, parameter),
          argument(DNNL_ARG_SHIFT, PrimitivePlan.temporary(0), parameter),
          argument(DNNL_ARG_MEAN, 2, statistic), argument(DNNL_ARG_VARIANCE, 3, statistic),
          argument(DNNL_ARG_DIFF_DST, 4, data), argument(DNNL_ARG_DIFF_SRC, 5, data),
          argument(DNNL_ARG_DIFF_SCALE, 6, parameter),
          argument(DNNL_ARG_DIFF_SHIFT, 7, parameter),
        ])
      return try PrimitivePlan([step], op, temporaries: [4 * features])
    default:
      let (mean, variance, y) = training ? (4, 5, 3) : (3, 4, 5)
      return try PrimitivePlan(
        Primitive(op, forward(training: training)), op,
        [
          argument(DNNL_ARG_SRC, 0, data), argument(DNNL_ARG_SCALE, 1, parameter),
          argument(DNNL_ARG_SHIFT, 2, parameter), argument(DNNL_ARG_MEAN, mean, statistic),
          argument(DNNL_ARG_VARIANCE, variance, statistic), argument(DNNL_ARG_DST, y, data),
        ])
    }
  }
}

/// One of ``MultiHeadAttention``'s four projections: Keras's `EinsumDense` with the equations
/// MultiHeadAttention builds for it. The last `boundAxes` input axes are contracted with the
/// kernel, which adds `outputDims`:
///
/// - query, key and value (`abc,cde->abde`): `(batch, steps, dim)` → `(batch, steps, heads,
///   keyDim)`, kernel `(dim, heads, keyDim)`, bias `(heads, keyDim)`;
/// - output (`abcd,cde->abe`): `(batch, steps, heads, valueDim)` → `(batch, steps, outDim)`,
///   kernel `(heads, valueDim, outDim)`, bias `(outDim)`.
///
/// Computed as one matrix product of the flattened axes, so the kernel keeps Keras's shape and
/// a `.keras` file's weights load unchanged.
final class AttentionProjection: Layer {
  /// How many trailing input axes the kernel contracts.
  let boundAxes: Int
  /// The axes the kernel adds.
  let outputDims: [Int]
  let useBias: Bool
  let kernelInitializer: Initializer
  let biasInitializer: Initializer
  let kernelRegularizer: (any Regularizer)?
  let biasRegularizer: (any Regularizer)?
  let activityRegularizer: (any Regularizer)?
  let kernelConstraint: (any Constraint)?
  let biasConstraint: (any Constraint)?
  /// The activity penalty of the latest call.
  private let activityLoss = LossSlot()

  /// The kernel, input's bound axes then `outputDims`, once built.
  private(set) var kernel: Variable?
  /// The `outputDims` bias, once built (nil without `useBias`).
  private(set) var bias: Variable?

  init(
    boundAxes: Int, outputDims: [Int], settings: MultiHeadAttention.WeightSettings,
    name: String
  ) {
    self.boundAxes = boundAxes
    self.outputDims = outputDims
    self.useBias = settings.useBias
    self.kernelInitializer = settings.kernelInitializer
    self.biasInitializer = settings.biasInitializer
    self.kernelRegularizer = settings.kernelRegularizer
    self.biasRegularizer = settings.biasRegularizer
    self.activityRegularizer = settings.activityRegularizer
    self.kernelConstraint = settings.kernelConstraint
    self.biasConstraint = settings.biasConstraint
    super.init(name: name)
  }

  override var className: String { "EinsumDense" }

  override func build(inputShape: Shape) throws {
    let bound = inputShape.dims.suffix(boundAxes)
    guard inputShape.rank > boundAxes, bound.allSatisfy({ $0 > 0 }) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "rank > \(boundAxes) with the last \(boundAxes) axes known",
        received: "\(inputShape)")
    }
    let kernel = try addWeight(
      name: "kernel", shape: Shape(Array(bound) + outputDims), initializer: kernelInitializer)
    kernel.constraint = kernelConstraint
    self.kernel = kernel
    if useBias {
      let bias = try addWeight(name: "bias", shape: Shape(outputDims), initializer: biasInitializer)
      bias.constraint = biasConstraint
      self.bias = bias
    }
  }

  override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let kernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    let free = Array(x.shape.dims.dropLast(boundAxes))
    let bound = kernel.shape.dims.prefix(boundAxes).reduce(1, *)
    let produced = outputDims.reduce(1, *)
    guard x.rank > boundAxes, x.shape.dims.suffix(boundAxes) == kernel.shape.dims.prefix(boundAxes)
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected:
          "(..., \(kernel.shape.dims.prefix(boundAxes).map(String.init).joined(separator: ", ")))",
        received: "\(x.shape)")
    }
    let rows = try Ops.reshape(x, [free.reduce(1, *), bound])
    var y = try Ops.matmul(rows, Ops.reshape(kernel.value, [bound, produced]))
    if let bias { y = try Ops.add(y, Ops.reshape(bias.value, [produced])) }
    let output = try Ops.reshape(y, Shape(free + outputDims))
    if let activityRegularizer {
      let batch = Double(Swift.max(output.shape[0], 1))
      activityLoss.store(
        try Ops.divide(activityRegularizer(output), Tensor.scalar(batch, dtype: output.dtype)))
    }
    return output
  }

  override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    Shape(Array((inputShapes.first?.dims ?? []).dropLast(boundAxes)) + outputDims)
  }
}

extension AttentionProjection: RegularizedLayer {
  /// The kernel, bias and activity penalties (the activity one from the latest call).
  var regularizationLosses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      if let kernelRegularizer, let kernel { result.append(try kernelRegularizer(kernel.value)) }
      if let biasRegularizer, let bias { result.append(try biasRegularizer(bias.value)) }
      if activityRegularizer != nil, let penalty = activityLoss.load() { result.append(penalty) }
      return result
    }
  }
}

/// Batch and layer normalization, forward and backward (op codes `.batchNorm`,
/// `.batchNormGradient`, `.layerNorm`, `.layerNormGradient`), features on the last axis:
///
///     y = gamma · (x - mean) / sqrt(variance + epsilon) + beta
///
/// Batch normalization takes its statistics per feature over every other axis, layer
/// normalization per row over the features; the variance is the biased one (divided by the
/// count), as Keras normalizes. A statistic over no elements (an empty batch, or rows without
/// features) is 0, as the frontend's composites compute it. Every operand is of x's dtype,
/// checked, with `epsilon` finite and ≥ 0, before the kernel is called.
///
/// The frontend's composites (means, products and sums) run where no backend has the family,
/// and they are the oracle the conformance tests hold a kernel to.
public protocol NormalizationKernels: Backend {
  /// Batch normalization with the batch's own statistics, written to `mean` and `variance`
  /// (`[C]`) next to `y`.
  func batchNormTraining(
    _ x: TensorBuffer, gamma: TensorBuffer, beta: TensorBuffer, epsilon: Double,
    _ y: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer
  ) throws
  /// Batch normalization with given statistics (`[C]`, the moving ones in inference).
  func batchNormInference(
    _ x: TensorBuffer, gamma: TensorBuffer, beta: TensorBuffer, mean: TensorBuffer,
    variance: TensorBuffer, epsilon: Double, _ y: TensorBuffer
  ) throws
  /// The gradient of ``batchNormTraining(_:gamma:beta:epsilon:_:mean:variance:)``: the batch's
  /// `mean` and `variance` as it wrote them, the `upstream` gradient of `y`; `dx` of x's shape,
  /// `dgamma` and `dbeta` `[C]`.
  func batchNormGradient(
    _ x: TensorBuffer, gamma: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer,
    upstream: TensorBuffer, epsilon: Double, dx: TensorBuffer, dgamma: TensorBuffer,
    dbeta: TensorBuffer
  ) throws
  /// Layer normalization over the last axis; each row's `mean` and `variance` (x's shape
  /// without the last axis) are written next to `y`.
  func layerNorm(
    _ x: TensorBuffer, gamma: TensorBuffer, beta: TensorBuffer, epsilon: Double,
    _ y: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer
  ) throws
  /// The gradient of ``layerNorm(_:gamma:beta:epsilon:_:mean:variance:)``, from the rows'
  /// statistics it wrote.
  func layerNormGradient(
    _ x: TensorBuffer, gamma: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer,
    upstream: TensorBuffer, epsilon: Double, dx: TensorBuffer, dgamma: TensorBuffer,
    dbeta: TensorBuffer
  ) throws
}

extension NormalizationKernels {
  /// Runs a normalization record on this family's kernels after checking every operand, so
  /// that a malformed record throws naming the op before anything is written.
  public func executeNormalization(_ record: OpRecord) throws {
    let op = record.op
    let layout = try NormalizationLayout(record)
    let (inputs, outputs, epsilon) = (record.inputs, record.outputs, layout.epsilon)
    switch op {
    case .batchNorm where layout.training:
      try batchNormTraining(
        inputs[0], gamma: inputs[1], beta: inputs[2], epsilon: epsilon, outputs[0],
        mean: outputs[1], variance: outputs[2])
    case .batchNorm:
      try batchNormInference(
        inputs[0], gamma: inputs[1], beta: inputs[2], mean: inputs[3], variance: inputs[4],
        epsilon: epsilon, outputs[0])
    case .layerNorm:
      try layerNorm(
        inputs[0], gamma: inputs[1], beta: inputs[2], epsilon: epsilon, outputs[0],
        mean: outputs[1], variance: outputs[2])
    case .batchNormGradient:
      try batchNormGradient(
        inputs[0], gamma: inputs[1], mean: inputs[2], variance: inputs[3], upstream: inputs[4],
        epsilon: epsilon, dx: outputs[0], dgamma: outputs[1], dbeta: outputs[2])
    default:
      try layerNormGradient(
        inputs[0], gamma: inputs[1], mean: inputs[2], variance: inputs[3], upstream: inputs[4],
        epsilon: epsilon, dx: outputs[0], dgamma: outputs[1], dbeta: outputs[2])
    }
  }
}

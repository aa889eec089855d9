/// Softmax cross-entropy against integer labels in one pass over the logits, forward and
/// backward (op codes `.sparseSoftmaxCrossEntropy`, `.sparseSoftmaxCrossEntropyGradient`): what
/// a classifier's loss costs in one kernel instead of a handful of primitives.
public protocol CrossEntropyKernels: Backend {
  /// `out[i] = logsumexp(logits[i, :]) - logits[i, labels[i]]` over the rows of the last axis;
  /// throws ``PlexusError/indexOutOfRange(context:index:size:)`` for a label outside `0..<C`.
  func sparseSoftmaxCrossEntropy(
    logits: TensorBuffer, labels: TensorBuffer, _ out: TensorBuffer
  ) throws
  /// `out[i, j] = (softmax(logits[i, :])[j] - (j == labels[i] ? 1 : 0)) · upstream[i]`.
  func sparseSoftmaxCrossEntropyGradient(
    logits: TensorBuffer, labels: TensorBuffer, upstream: TensorBuffer, _ out: TensorBuffer
  ) throws
}

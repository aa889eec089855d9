import BackendProtocol
import PlexusReference

extension OneDNNBackend {
  /// The ops oneDNN has no primitive for that a training step needs around its primitives —
  /// memory and layout ops, indexing, comparisons and selection, arg-reductions, random draws,
  /// the fused cross-entropy and the optimizer updates — which this backend runs on the host,
  /// with the reference backend's kernels, as TensorFlow's oneDNN build runs them with Eigen.
  /// So a step on oneDNN runs all of it here, and strict mode finds no fallback.
  static func isHostOp(_ op: OpCode) -> Bool {
    switch op {
    case .copy, .fill, .iota, .cast, .equal, .notEqual, .less, .lessEqual, .greater,
      .greaterEqual, .logicalAnd, .logicalOr, .logicalNot, .select, .argmax, .argmin,
      .transpose, .concat, .slice, .gather, .scatterAdd, .pad, .oneHot, .randomUniform,
      .randomNormal, .randomTruncatedNormal, .sparseSoftmaxCrossEntropy,
      .sparseSoftmaxCrossEntropyGradient, .sgdUpdate, .adamUpdate:
      true
    default: false
    }
  }

  /// Whether the host kernels run `op` on `dtype`: every dtype the reference backend runs it
  /// on but `float64`, which this backend leaves to the reference backend altogether.
  static func hostSupports(_ op: OpCode, _ dtype: DType) -> Bool {
    dtype != .float64 && isHostOp(op) && hostSupport.supports(op, dtype)
  }

  /// The ops and dtypes the host kernels run (the reference backend's own answer; it keeps
  /// no state that the answer depends on).
  private static let hostSupport = ReferenceBackend()
}

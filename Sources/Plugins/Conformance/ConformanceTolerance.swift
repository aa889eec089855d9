import BackendProtocol

/// How far a backend's result may be from the reference's, per op and dtype: the one table the
/// conformance suite reads, forward and backward. Relative above magnitude 1, absolute below.
///
/// - Exact (0) for what moves or compares values (memory, layout, comparisons, selection,
///   argmax) and for every integer or boolean result.
/// - An ulp or two for correctly rounded arithmetic (add, multiply, negate, ...).
/// - More for transcendental functions, where libraries use different approximations.
/// - Most for ops that sum many terms (reductions, matmul, convolution, softmax), whose order of
///   summation is the backend's choice. Max pooling's gradient is one of them: where windows
///   overlap, a cell adds the upstream values of every window whose maximum it is (oneDNN adds
///   them in another order than the composite, a last-bit difference).
public enum ConformanceTolerance {
  /// The tolerance for `op`'s forward result in `dtype`.
  ///
  /// bfloat16 results (8 significant bits) are held to bfloat16's own precision: one unit in
  /// the last place (2⁻⁷ relative) for a correctly rounded or transcendental op, whose float32
  /// results may straddle a rounding boundary; two (2⁻⁶) for accumulated ones, whose oracle
  /// is the float32 result rounded once while a kernel may round between its steps (oneDNN's
  /// `dense` rounds as the unfused ops do).
  public static func forward(_ op: OpCode, _ dtype: DType) -> Double {
    if dtype == .bfloat16 {
      switch kind(op) {
      case .exact: return 0
      case .rounded, .transcendental: return 0x1p-7
      case .accumulated: return 0x1p-6
      }
    }
    guard dtype == .float32 || dtype == .float64 else { return 0 }
    let single = dtype == .float32
    switch kind(op) {
    case .exact: return 0
    case .rounded: return single ? 2e-7 : 1e-15
    case .transcendental: return single ? 1e-5 : 1e-12
    case .accumulated: return single ? 1e-4 : 1e-10
    }
  }

  /// The tolerance for gradients through the tape: every gradient sums terms, so it is the
  /// accumulated tolerance whatever the op.
  public static func backward(_ dtype: DType) -> Double {
    dtype == .float64 ? 1e-9 : 1e-4
  }

  enum Kind { case exact, rounded, transcendental, accumulated }

  static func kind(_ op: OpCode) -> Kind {
    switch op {
    case .copy, .fill, .cast, .transpose, .concat, .slice, .gather, .pad, .oneHot, .select,
      .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .logicalAnd, .logicalOr,
      .logicalNot, .argmax, .argmin, .max, .min, .maximum, .minimum, .abs, .sign, .floor, .ceil,
      .round, .relu, .maxPool2d, .negate:
      .exact
    case .add, .subtract, .multiply, .divide, .sqrt, .square, .reciprocal, .iota:
      .rounded
    case .exp, .log, .rsqrt, .tanh, .sigmoid, .sin, .cos, .erf, .expm1, .log1p, .power,
      .randomUniform, .randomNormal, .randomTruncatedNormal:
      .transcendental
    default:
      .accumulated
    }
  }
}

import BackendProtocol

/// Where oneDNN's kernels and the reference semantics part ways, found by a scan of the inputs
/// before anything runs. An op whose input holds such a value answers unsupported, and the
/// reference backend computes it: the result is then the framework's, not an approximation.
///
/// Measured on oneDNN 2.6.3 (`jit:avx512_core`):
/// - `relu(NaN)` is 0 and `exp(NaN)` is +∞ (the kernels clamp before they compute);
/// - `maximum` and `minimum` return the other operand when the first is NaN, and the `max` and
///   `min` reductions skip NaN;
/// - softmax and log-softmax of a row holding NaN or +∞ give 0 or -∞ where the definition
///   gives NaN;
/// - `log` of a positive subnormal is about -88 (`log(FLT_MIN)`) instead of down to -103.
enum ExactnessGuard {
  /// Whether oneDNN's kernel for `op` may differ from the reference on `x`'s values.
  static func mayDiffer(_ op: OpCode, _ x: TensorBuffer) -> Bool {
    switch op {
    case .relu, .exp, .maximum, .minimum, .max, .min: any(x) { $0.isNaN }
    case .softmax, .logSoftmax: any(x) { $0.isNaN || $0 == .infinity }
    case .log: any(x) { $0 > 0 && $0 < .leastNormalMagnitude }
    default: false
    }
  }

  /// Whether any element satisfies `test`, in one pass without early exit, which the
  /// compiler vectorises.
  @inline(__always)
  private static func any(_ x: TensorBuffer, _ test: (Float) -> Bool) -> Bool {
    let elements = x.pointer(Float.self)
    var hits: UInt8 = 0
    for index in 0..<x.count { hits |= test(elements[index]) ? 1 : 0 }
    return hits != 0
  }
}

import BackendProtocol

/// Where oneDNN's kernels and the reference semantics part ways, found by a scan of the inputs
/// before anything runs. An op whose input holds such a value answers unsupported, and the
/// reference backend computes it: the result is then the framework's, not an approximation.
///
/// Measured on oneDNN 2.6.3 (`jit:avx512_core`):
/// - `relu(NaN)` is 0 and `exp(NaN)` is +∞ (the kernels clamp before they compute);
/// - `maximum` and `minimum` return the other operand when the first is NaN, and the `max` and
///   `min` reductions and max pooling skip NaN;
/// - softmax and log-softmax of a row holding NaN or +∞ give 0 or -∞ where the definition
///   gives NaN;
/// - `log` of a positive subnormal is about -88 (`log(FLT_MIN)`) instead of down to -103.
enum ExactnessGuard {
  /// Whether oneDNN's kernel for `op` may differ from the reference on `x`'s values.
  static func mayDiffer(_ op: OpCode, _ x: TensorBuffer) -> Bool {
    switch op {
    case .relu, .exp, .maximum, .minimum, .max, .min, .maxPool2d:
      any(x, { $0 .!= $0 }, { $0.isNaN })
    case .softmax, .logSoftmax:
      any(x, { ($0 .!= $0) .| ($0 .== .infinity) }, { $0.isNaN || $0 == .infinity })
    case .log:
      any(
        x, { ($0 .> 0) .& ($0 .< .leastNormalMagnitude) },
        { $0 > 0 && $0 < .leastNormalMagnitude })
    default: false
    }
  }

  /// Whether `x` holds NaN or ±∞: what a fused activation oneDNN applies as a post-op would
  /// treat otherwise than the reference does.
  static func holdsNonFinite(_ x: TensorBuffer) -> Bool {
    // x·0 is 0 for every finite x, NaN for NaN and ±∞.
    any(x, { ($0 * 0) .!= 0 }, { !$0.isFinite })
  }

  /// Whether any element passes the test: sixteen lanes at a time (`lanes`), without early
  /// exit, then the tail one by one (`scalar`). A scalar loop is not vectorised by the compiler
  /// here and cost 3 µs for 4096 elements, more than the oneDNN op it guards.
  @inline(__always)
  private static func any(
    _ x: TensorBuffer, _ lanes: (SIMD16<Float>) -> SIMDMask<SIMD16<Int32>>,
    _ scalar: (Float) -> Bool
  ) -> Bool {
    let raw = UnsafeRawPointer(x.storage.base)
    let vectors = x.count / 16
    var hits = SIMDMask<SIMD16<Int32>>(repeating: false)
    for index in 0..<vectors {
      hits .|= lanes(raw.loadUnaligned(fromByteOffset: index * 64, as: SIMD16<Float>.self))
    }
    if Swift.any(hits) { return true }
    let elements = x.pointer(Float.self)
    for index in (vectors * 16)..<x.count where scalar(elements[index]) { return true }
    return false
  }
}

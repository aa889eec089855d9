/// bfloat16: the upper 16 bits of a float32 (8 exponent bits, 7 mantissa bits), the compute
/// dtype of the `mixed_bfloat16` policy.
///
/// An op a backend does not run in bfloat16 runs in float32 between casts (the dispatcher
/// arranges it): the operands widen exactly, the float32 kernel runs, and each result rounds
/// to the nearest bfloat16 (ties to even), as oneDNN's bfloat16 products and convolutions
/// accumulate in float32 and round once.
public enum BFloat16 {
  /// The nearest bfloat16 to `value`, ties to even; NaN stays a (quiet) NaN.
  @inlinable
  public static func bits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let quietNaN = UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
    let rounded = UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    // A select, not a branch, so that loops over buffers vectorize.
    return value.isNaN ? quietNaN : rounded
  }

  /// `value` as a float32 rounded to odd (truncated, with the last bit set when anything was
  /// cut off): rounding that float32 to bfloat16 then equals rounding `value` to it directly,
  /// since float32 keeps more than two bits beyond bfloat16's.
  @inlinable
  public static func roundedToOdd(_ value: Double) -> Float {
    let nearest = Float(value)
    guard value.isFinite, nearest.isFinite, Double(nearest) != value else { return nearest }
    // The float32 next to `value` toward zero, then its last bit set.
    let overshot = Swift.abs(Double(nearest)) > Swift.abs(value)
    let truncated = overshot ? (nearest > 0 ? nearest.nextDown : nearest.nextUp) : nearest
    return Float(bitPattern: truncated.bitPattern | 1)
  }

  /// The float32 a bfloat16 stands for (exact).
  @inlinable
  public static func float(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
  }

  /// Writes `source` (float32) rounded into `target` (bfloat16), element by element; from
  /// 64 K elements on in one part per core on ``WorkerPool/shared``.
  public static func narrow(_ source: TensorBuffer, into target: TensorBuffer) {
    let from = source.pointer(Float.self)
    let to = target.pointer(UInt16.self)
    inParts(Swift.min(source.count, target.count)) { lower, upper in
      for index in lower..<upper { to[index] = bits(from[index]) }
    }
  }

  /// `source` (bfloat16) widened into a new float32 buffer of its shape.
  public static func widened(_ source: TensorBuffer) throws -> TensorBuffer {
    let result = try TensorBuffer.allocate(.float32, source.shape)
    widen(source, into: result)
    return result
  }

  /// Writes `source` (bfloat16) widened into `target` (float32), element by element (exact);
  /// from 64 K elements on in one part per core on ``WorkerPool/shared``.
  public static func widen(_ source: TensorBuffer, into target: TensorBuffer) {
    let from = source.pointer(UInt16.self)
    let to = target.pointer(Float.self)
    inParts(Swift.min(source.count, target.count)) { lower, upper in
      for index in lower..<upper { to[index] = float(from[index]) }
    }
  }

  /// Runs `body` on `0..<count` cut into one run per core from 64 K elements on (elementwise
  /// work: the cut changes no result), else whole on this thread. Like
  /// ``FusedActivation/apply(toRows:count:columns:bias:)``, it uses the shared pool whatever a
  /// backend's thread setting.
  private static func inParts(_ count: Int, _ body: (Int, Int) -> Void) {
    let parts = count >= 1 << 16 ? WorkerPool.shared.workerCount + 1 : 1
    guard parts > 1 else {
      body(0, count)
      return
    }
    WorkerPool.shared.run(parts) { part in body(count * part / parts, count * (part + 1) / parts) }
  }
}

/// The draws of a layer given a `seed`, as Keras's `SeedGenerator`: each training call draws
/// from a private stream keyed by the seed and the call's number, so a run repeats exactly and
/// successive calls differ. Without a seed, draws come from the process-wide stream.
final class SeedStream: Sendable {
  /// The seed, if any.
  let seed: Int?
  private let calls = Locked<UInt64>(0)

  init(_ seed: Int?) { self.seed = seed }

  /// Runs `body` on this call's stream.
  func draw<R>(_ body: () throws -> R) rethrows -> R {
    guard let seed else { return try body() }
    // Each call draws from a stream of its own, keyed on the host by the call's number.
    Dispatcher.scope.recorder?.refuse("a layer with a seed draws from a stream of its own per call")
    let call = calls.withLock { count in
      count &+= 1
      return count
    }
    return try withRandomSeed(
      UInt64(truncatingIfNeeded: seed) &+ call &* 0x9E37_79B9_7F4A_7C15, body)
  }
}

extension Layer {
  /// `x` with whole slices dropped while training: a keep-or-drop draw per `noiseShape` cell
  /// (`x`'s shape, or 1 along the axes a draw is shared over), the kept cells scaled by
  /// `1 / (1 - rate)` and the dropped ones 0 (whatever they held: inf and NaN too). Keras's
  /// dropout, with a `noise_shape`.
  func droppingSlices(_ x: Tensor, rate: Double, noiseShape: Shape, stream: SeedStream) throws
    -> Tensor
  {
    let draws = try stream.draw { try Ops.randomUniform(noiseShape, dtype: x.dtype) }
    let keep = try Ops.greaterEqual(draws, Tensor.scalar(rate, dtype: x.dtype))
    return try Ops.where(keep, x * (1 / (1 - rate)), Tensor.scalar(0, dtype: x.dtype))
  }
}

import BackendProtocol

/// The process's random stream: Philox keyed by the seed, with a counter that every draw
/// advances, so a whole run is reproducible from ``setRandomSeed(_:)`` alone.
public enum RandomGenerator {
  /// One Philox stream: a key and the next block to use.
  final class Stream: Sendable {
    private struct State {
      var key: (UInt32, UInt32)
      var nextBlock: UInt64 = 0
    }
    // A pthread lock rather than Mutex, so ThreadSanitizer sees it (see `Lock`).
    private let state: Locked<State>

    init(seed: UInt64) { state = Locked(State(key: Stream.split(seed))) }

    func reseed(_ seed: UInt64) { state.withLock { $0 = State(key: Stream.split(seed)) } }

    /// Reserves `blocks` Philox blocks; returns the key and the first block to use.
    func reserve(blocks: UInt64) -> (UInt64, UInt64) {
      state.withLock { state in
        let start = state.nextBlock
        state.nextBlock &+= blocks
        return (UInt64(state.key.0) | UInt64(state.key.1) << 32, start)
      }
    }

    /// The key and the next block, to save and restore the stream (`BackupAndRestore`).
    var position: (key: UInt64, nextBlock: UInt64) {
      get {
        state.withLock { (UInt64($0.key.0) | UInt64($0.key.1) << 32, $0.nextBlock) }
      }
      set {
        state.withLock {
          $0 = State(key: Stream.split(newValue.key), nextBlock: newValue.nextBlock)
        }
      }
    }

    private static func split(_ seed: UInt64) -> (UInt32, UInt32) {
      (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }
  }

  private static let global = Stream(seed: UInt64.random(in: .min ... .max))
  @TaskLocal static var scoped: Stream?

  /// The position of the stream draws use now (the task's scoped one, else the process's), so
  /// that a resumed run draws what an uninterrupted one would have.
  static var position: (key: UInt64, nextBlock: UInt64) {
    get { (scoped ?? global).position }
    set { (scoped ?? global).position = newValue }
  }

  /// Reseeds the process-wide stream and restarts its counter.
  public static func seed(_ seed: UInt64) { global.reseed(seed) }

  /// Reserves the stream for a draw of `count` elements: the key and the first block. Draws
  /// advance the counter by an amount that depends on the size alone, so a step draws the same
  /// way eagerly and replayed.
  static func reserve(elements count: Int) -> (key: UInt64, offset: UInt64) {
    (scoped ?? global).reserve(blocks: RandomDraw.blocks(for: Swift.max(count, 0)))
  }

  /// `count` itself, when it is a count this machine can hold; otherwise an error naming `op`.
  private static func checked(_ count: Int, _ op: @autoclosure () -> String) throws -> Int {
    guard (0...Shape.maximumElementCount).contains(count) else {
      throw PlexusError.invalidArgument(
        context: "RandomGenerator.\(op())",
        message: "count must be 0 to \(Shape.maximumElementCount), received \(count)")
    }
    return count
  }

  /// `count` values of `op` with these parameters, on the host (the same values the op gives).
  private static func host(_ op: OpCode, _ count: Int, _ first: Double, _ second: Double)
    throws -> [Double]
  {
    let count = try checked(count, "\(op)")
    Dispatcher.scope.recorder?.refuse("it draws random numbers on the host (\(op))")
    let (key, offset) = reserve(elements: count)
    let draw = RandomDraw(op: op, key: key, offset: offset, first: first, second: second)
    var result = [Double](repeating: 0, count: count)
    result.withUnsafeMutableBufferPointer { values in
      draw.generate(0..<count) { index, value in values[index] = value }
    }
    return result
  }

  /// Uniform values in `[low, high)`; throws unless `count` is 0 to
  /// ``Shape/maximumElementCount``.
  public static func uniform(count: Int, low: Double = 0, high: Double = 1) throws -> [Double] {
    try host(.randomUniform, count, low, high)
  }

  /// Normally distributed values; throws unless `count` is 0 to ``Shape/maximumElementCount``.
  public static func normal(count: Int, mean: Double = 0, standardDeviation: Double = 1)
    throws -> [Double]
  {
    try host(.randomNormal, count, mean, standardDeviation)
  }

  /// Normal values within two standard deviations (Keras's truncated normal); throws unless
  /// `count` is 0 to ``Shape/maximumElementCount``.
  public static func truncatedNormal(count: Int, mean: Double = 0, standardDeviation: Double = 1)
    throws -> [Double]
  {
    try host(.randomTruncatedNormal, count, mean, standardDeviation)
  }

  /// A uniformly random permutation of `0..<count` (Fisher–Yates on the stream); throws unless
  /// `count` is 0 to ``Shape/maximumElementCount``.
  public static func permutation(_ count: Int) throws -> [Int] {
    guard try checked(count, "permutation") > 1 else { return count == 1 ? [0] : [] }
    var result = Array(0..<count)
    Dispatcher.scope.recorder?.refuse("it draws a random permutation on the host")
    let (key, offset) = reserve(elements: count)
    let draw = RandomDraw(op: .randomUniform, key: key, offset: offset, first: 0, second: 1)
    var draws = [UInt32](repeating: 0, count: count)
    for index in 0..<count { draws[index] = draw.word(index) }
    for index in stride(from: count - 1, to: 0, by: -1) {
      // Lemire's multiply-shift: `>>` binds tighter than `*` in Swift, hence the parentheses.
      let pick = Int((UInt64(draws[index]) * UInt64(index + 1)) >> 32)
      result.swapAt(index, pick)
    }
    return result
  }
}

/// Seeds every random draw Plexus makes (weights, dropout masks, shuffling), so that a run is
/// bit-for-bit reproducible on any backend and thread count. Equivalent to
/// `keras.utils.set_random_seed`.
public func setRandomSeed(_ seed: UInt64) {
  RandomGenerator.seed(seed)
}

/// Runs `body` with a private random stream seeded by `seed`, on this task only: draws inside
/// are reproducible whatever other tasks draw meanwhile, and the process-wide stream is left
/// untouched.
public func withRandomSeed<R>(_ seed: UInt64, _ body: () throws -> R) rethrows -> R {
  try RandomGenerator.$scoped.withValue(RandomGenerator.Stream(seed: seed)) { try body() }
}

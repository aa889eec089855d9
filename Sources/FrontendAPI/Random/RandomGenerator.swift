import Foundation
import Synchronization

/// The process's random stream: Philox keyed by the seed, with a counter that every draw
/// advances, so a whole run is reproducible from ``setRandomSeed(_:)`` alone.
public enum RandomGenerator {
  /// One Philox stream: a key and the next block to use.
  final class Stream: Sendable {
    private struct State {
      var key: (UInt32, UInt32)
      var nextBlock: UInt64 = 0
    }
    private let state: Mutex<State>

    init(seed: UInt64) { state = Mutex(State(key: Stream.split(seed))) }

    func reseed(_ seed: UInt64) { state.withLock { $0 = State(key: Stream.split(seed)) } }

    /// Reserves `count` words; returns the key and the first block index to use.
    func reserve(words count: Int) -> ((UInt32, UInt32), UInt64) {
      let blocks = UInt64((count + 3) / 4)
      return state.withLock { state in
        let start = state.nextBlock
        state.nextBlock &+= blocks
        return (state.key, start)
      }
    }

    private static func split(_ seed: UInt64) -> (UInt32, UInt32) {
      (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }
  }

  private static let global = Stream(seed: UInt64.random(in: .min ... .max))
  @TaskLocal static var scoped: Stream?

  /// Reseeds the process-wide stream and restarts its counter.
  public static func seed(_ seed: UInt64) { global.reseed(seed) }

  static func reserve(words count: Int) -> ((UInt32, UInt32), UInt64) {
    (scoped ?? global).reserve(words: count)
  }

  /// `count` itself, when it is a count this machine can hold; otherwise an error naming `op`.
  private static func checked(_ count: Int, _ op: String) throws -> Int {
    guard (0...Shape.maximumElementCount).contains(count) else {
      throw PlexusError.invalidArgument(
        context: "RandomGenerator.\(op)",
        message: "count must be 0 to \(Shape.maximumElementCount), received \(count)")
    }
    return count
  }

  /// `count` uniformly distributed 32-bit words; `count` is already checked.
  static func words(_ count: Int) -> [UInt32] {
    let (key, start) = reserve(words: count)
    var result = [UInt32](repeating: 0, count: count)
    var index = 0
    var block = start
    while index < count {
      let counter: (UInt32, UInt32, UInt32, UInt32) = (
        UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), 0, 0
      )
      let (w0, w1, w2, w3) = Philox.block(counter: counter, key: key)
      for word in [w0, w1, w2, w3] where index < count {
        result[index] = word
        index += 1
      }
      block &+= 1
    }
    return result
  }

  /// Uniform values in `[low, high)`; throws unless `count` is 0 to
  /// ``Shape/maximumElementCount``.
  public static func uniform(count: Int, low: Double = 0, high: Double = 1) throws -> [Double] {
    var result = [Double](repeating: 0, count: try checked(count, "uniform"))
    streamUniform(count: count, low: low, high: high) { result[$0] = $1 }
    return result
  }

  /// Normally distributed values; throws unless `count` is 0 to ``Shape/maximumElementCount``.
  public static func normal(count: Int, mean: Double = 0, standardDeviation: Double = 1)
    throws -> [Double]
  {
    var result = [Double](repeating: 0, count: try checked(count, "normal"))
    streamStandardNormal(count: count) { result[$0] = mean + standardDeviation * $1 }
    return result
  }

  /// Normal values redrawn until within two standard deviations (Keras's truncated normal);
  /// throws unless `count` is 0 to ``Shape/maximumElementCount``.
  public static func truncatedNormal(count: Int, mean: Double = 0, standardDeviation: Double = 1)
    throws -> [Double]
  {
    var result = [Double](repeating: 0, count: try checked(count, "truncatedNormal"))
    try streamTruncatedNormal(count: count, mean: mean, standardDeviation: standardDeviation) {
      result[$0] = $1
    }
    return result
  }

  /// A uniformly random permutation of `0..<count` (Fisher–Yates on the stream); throws unless
  /// `count` is 0 to ``Shape/maximumElementCount``.
  public static func permutation(_ count: Int) throws -> [Int] {
    var result = Array(0..<(try checked(count, "permutation")))
    guard count > 1 else { return result }
    let draws = words(count)
    for index in stride(from: count - 1, to: 0, by: -1) {
      let pick = Int(UInt64(draws[index]) * UInt64(index + 1) >> 32)
      result.swapAt(index, pick)
    }
    return result
  }

  @inline(__always)
  static func unitInterval(_ word: UInt32) -> Double {
    Double(word >> 8) * 0x1p-24
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

import Foundation

/// Draws written straight into tensor memory, one Philox block at a time: the same values, in
/// the same order, as ``RandomGenerator/uniform(count:low:high:)`` and its siblings, without
/// their `[Double]` (8 bytes per element, and 4 more for the words). A tensor this machine can
/// hold is therefore one it can also fill with random values.
extension RandomGenerator {
  /// The words of `count` reserved draws, one at a time, in order.
  struct WordStream {
    let key: (UInt32, UInt32)
    var block: UInt64
    var pending: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    var used = 4

    init(words count: Int) {
      (key, block) = RandomGenerator.reserve(words: count)
    }

    mutating func next() -> UInt32 {
      if used == 4 {
        let counter = (
          UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), 0 as UInt32,
          0 as UInt32
        )
        pending = Philox.block(counter: counter, key: key)
        block &+= 1
        used = 0
      }
      defer { used += 1 }
      switch used {
      case 0: return pending.0
      case 1: return pending.1
      case 2: return pending.2
      default: return pending.3
      }
    }
  }

  /// Writes `count` uniform values in `[low, high)` through `write(index, value)`.
  static func streamUniform(
    count: Int, low: Double, high: Double, _ write: (Int, Double) -> Void
  ) {
    var words = WordStream(words: count)
    for index in 0..<count { write(index, low + (high - low) * unitInterval(words.next())) }
  }

  /// Writes `count` standard normal values through `write(index, value)` (Box–Muller on pairs
  /// of words, as ``normal(count:mean:standardDeviation:)`` draws them).
  static func streamStandardNormal(count: Int, _ write: (Int, Double) -> Void) {
    let pairs = (count + 1) / 2
    var words = WordStream(words: pairs * 2)
    for pair in 0..<pairs {
      // Box–Muller; u1 in (0, 1] keeps the logarithm finite.
      let u1 = 1 - unitInterval(words.next())
      let u2 = unitInterval(words.next())
      let radius = (-2 * Foundation.log(u1)).squareRoot()
      let angle = 2 * Double.pi * u2
      write(2 * pair, radius * Foundation.cos(angle))
      if 2 * pair + 1 < count { write(2 * pair + 1, radius * Foundation.sin(angle)) }
    }
  }

  /// Writes `count` normal values within two standard deviations of 0 (before `mean` and
  /// `standardDeviation` apply) through `write(index, value)`, redrawing the rest as
  /// ``truncatedNormal(count:mean:standardDeviation:)`` does.
  static func streamTruncatedNormal(
    count: Int, mean: Double, standardDeviation: Double, _ write: (Int, Double) -> Void
  ) throws {
    var pending: [Int] = []
    streamStandardNormal(count: count) { index, value in
      if Swift.abs(value) > 2 { pending.append(index) }
      write(index, mean + standardDeviation * value)
    }
    while !pending.isEmpty {
      let redraw = try normal(count: pending.count)
      pending = zip(pending, redraw).compactMap { index, value in
        write(index, mean + standardDeviation * value)
        return Swift.abs(value) > 2 ? index : nil
      }
    }
  }
}

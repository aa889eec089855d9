import Foundation

/// One random draw as a backend runs it: the distribution, its parameters and the place in the
/// Philox stream. Every backend must produce the same bits for the same draw, so the mapping
/// from stream words to values is written here once (``value(at:)``) and kernels call it.
///
/// The stream: block `b` under `key` gives four 32-bit words (``Philox/block(counter:key:)``
/// with counter `(b, b >> 32, attempt, 0)`, attempt 0 for uniform and normal draws); word `w`
/// of a draw is word `w % 4` of block `offset + w / 4`.
/// - uniform: element `i` is `low + (high - low) · u(word i)`, `u(w) = (w >> 8) · 2⁻²⁴`;
/// - normal: elements `2j` and `2j + 1` are the Box–Muller pair of words `2j` and `2j + 1`;
/// - truncated normal: element `i` is the first value within two standard deviations among
///   attempts `a = 0, 1, …` of the normal draw's element `i` computed at attempt `a` (attempt 0
///   is the normal draw itself); the draw reserves exactly as many blocks as a normal one, so
///   the stream advances by an amount that depends on the size alone.
public struct RandomDraw: Sendable, Hashable {
  /// `randomUniform`, `randomNormal` or `randomTruncatedNormal`.
  public let op: OpCode
  /// The Philox key: the run's seed.
  public let key: UInt64
  /// The first block of the stream this draw uses.
  public let offset: UInt64
  /// `low` (uniform) or `mean` (normal).
  public let first: Double
  /// `high` (uniform) or `stddev` (normal).
  public let second: Double

  /// A draw of `op` from the stream keyed by `key`, starting at block `offset`.
  public init(op: OpCode, key: UInt64, offset: UInt64, first: Double, second: Double) {
    self.op = op
    self.key = key
    self.offset = offset
    self.first = first
    self.second = second
  }

  /// The number of Philox blocks a draw of `count` elements reserves.
  public static func blocks(for count: Int) -> UInt64 {
    // A normal pair takes two words, so an odd count rounds up to whole pairs first.
    UInt64((count + 1) / 2 * 2 + 3) / 4
  }

  private var keyWords: (UInt32, UInt32) {
    (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
  }

  /// Word `index` of the draw's stream, at `attempt` (0 for every draw but truncated normal's
  /// retries).
  @inline(__always)
  public func word(_ index: Int, attempt: UInt32 = 0) -> UInt32 {
    Self.pick(block(index / 4, attempt: attempt), index % 4)
  }

  /// Block `index` of the draw's stream (counted from ``offset``), at `attempt`.
  @inline(__always)
  private func block(_ index: Int, attempt: UInt32 = 0) -> (UInt32, UInt32, UInt32, UInt32) {
    let block = offset &+ UInt64(index)
    return Philox.block(
      counter: (
        UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), attempt, 0
      ),
      key: keyWords)
  }

  /// Word `position` (0 to 3) of a block.
  @inline(__always)
  private static func pick(_ words: (UInt32, UInt32, UInt32, UInt32), _ position: Int) -> UInt32 {
    switch position {
    case 0: return words.0
    case 1: return words.1
    case 2: return words.2
    default: return words.3
    }
  }

  @inline(__always)
  static func unit(_ word: UInt32) -> Double { Double(word >> 8) * 0x1p-24 }

  /// The two standard normals Box–Muller makes of two words; `u1` in (0, 1] keeps the
  /// logarithm finite.
  @inline(__always)
  private static func boxMuller(_ first: UInt32, _ second: UInt32) -> (Double, Double) {
    let u1 = 1 - unit(first)
    let u2 = unit(second)
    let radius = (-2 * Foundation.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
  }

  /// The standard normal at element `index` from the pair of words starting at `2 · (index / 2)`.
  @inline(__always)
  private func standardNormal(_ index: Int, attempt: UInt32) -> Double {
    let pair = index / 2 * 2
    let (even, odd) = Self.boxMuller(
      word(pair, attempt: attempt), word(pair + 1, attempt: attempt))
    return index % 2 == 0 ? even : odd
  }

  /// Calls `write(i, value)` for every element `i` in `range`, computing each Philox block once.
  public func generate(_ range: Range<Int>, _ write: (Int, Double) -> Void) {
    guard op != .randomTruncatedNormal else {
      for index in range { write(index, value(at: index)) }
      return
    }
    var cachedBlock = -1
    var words: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    func wordAt(_ index: Int) -> UInt32 {
      if index / 4 != cachedBlock {
        cachedBlock = index / 4
        words = block(cachedBlock)
      }
      return Self.pick(words, index % 4)
    }
    if op == .randomUniform {
      let scale = second - first
      for index in range { write(index, first + scale * Self.unit(wordAt(index))) }
      return
    }
    var index = range.lowerBound
    while index < range.upperBound {
      let pair = index / 2 * 2
      let (even, odd) = Self.boxMuller(wordAt(pair), wordAt(pair + 1))
      if index == pair {
        write(index, first + second * even)
        index += 1
      }
      if index < range.upperBound {
        write(index, first + second * odd)
        index += 1
      }
    }
  }

  /// Element `index` of the draw.
  public func value(at index: Int) -> Double {
    switch op {
    case .randomNormal:
      return first + second * standardNormal(index, attempt: 0)
    case .randomTruncatedNormal:
      var attempt: UInt32 = 1
      var z = standardNormal(index, attempt: 0)
      // The chance of 64 rejections in a row is below 1e-80.
      while Swift.abs(z) > 2, attempt < 64 {
        z = standardNormal(index, attempt: attempt)
        attempt += 1
      }
      return first + second * Swift.max(-2, Swift.min(2, z))
    default:
      return first + (second - first) * Self.unit(word(index))
    }
  }
}

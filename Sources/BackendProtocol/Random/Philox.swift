/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random numbers: as easy
/// as 1, 2, 3", SC'11): block `counter` under `key` gives four independent 32-bit words.
///
/// Being counter-based, element `i` of any random tensor depends only on the seed and `i`, never
/// on the backend or the thread count.
public enum Philox {
  /// The round multipliers and key increments (Weyl constants) of Philox4x32.
  public static let multiplier0: UInt32 = 0xD251_1F53
  public static let multiplier1: UInt32 = 0xCD9E_8D57
  public static let weyl0: UInt32 = 0x9E37_79B9
  public static let weyl1: UInt32 = 0xBB67_AE85

  /// The four words of block `counter` under `key`.
  @inline(__always)
  public static func block(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32))
    -> (UInt32, UInt32, UInt32, UInt32)
  {
    var (c0, c1, c2, c3) = counter
    var (k0, k1) = key
    for _ in 0..<10 {
      let product0 = UInt64(multiplier0) &* UInt64(c0)
      let product1 = UInt64(multiplier1) &* UInt64(c2)
      let hi0 = UInt32(truncatingIfNeeded: product0 >> 32)
      let lo0 = UInt32(truncatingIfNeeded: product0)
      let hi1 = UInt32(truncatingIfNeeded: product1 >> 32)
      let lo1 = UInt32(truncatingIfNeeded: product1)
      (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
      k0 &+= weyl0
      k1 &+= weyl1
    }
    return (c0, c1, c2, c3)
  }
}

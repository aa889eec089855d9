import Plexus

/// The synthetic sequence-classification data of `keras_bench.py --workload embed`, made the
/// same way (not the same numbers: NumPy's generator is not reproduced): background tokens
/// uniform in [2·signal+1, vocabulary), a balanced class per sample, and `signals` tokens at
/// distinct random positions drawn from [1, signal] for class 1 and [signal+1, 2·signal] for
/// class 0; the label is the class flipped with probability `labelNoise`, so the best accuracy
/// is about 0.9. Token 0 is unused (padding).
struct EmbedData {
  let ids: Tensor
  let labels: Tensor

  /// splitmix64, seeded: the same data on every machine.
  private struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
  }

  init(
    samples: Int, seed: UInt64, vocabulary: Int = 10_000, length: Int = 100, signals: Int = 3,
    signalVocabulary: Int = 50, labelNoise: Double = 0.1
  ) throws {
    var random = Generator(state: seed)
    var ids = [Int32](repeating: 0, count: samples * length)
    var labels = [Float](repeating: 0, count: samples)
    let background = 2 * signalVocabulary + 1
    for sample in 0..<samples {
      let row = sample * length
      for position in 0..<length {
        ids[row + position] = Int32(background + random.below(vocabulary - background))
      }
      let positive = random.below(2) == 1
      var positions = Array(0..<length)
      for index in 0..<signals {
        positions.swapAt(index, index + random.below(length - index))
        let token = 1 + random.below(signalVocabulary) + (positive ? 0 : signalVocabulary)
        ids[row + positions[index]] = Int32(token)
      }
      let flipped = random.unit() < labelNoise
      labels[sample] = positive != flipped ? 1 : 0
    }
    self.ids = try Tensor(ids, shape: [samples, length])
    self.labels = try Tensor(labels, shape: [samples, 1])
  }
}

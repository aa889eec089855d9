import Foundation
import Plexus
import Testing

/// `TimeDistributed` passes its input's mask into the wrapped layer, folded as the input is:
/// a hierarchical model (`Embedding(maskZero:)` over sentences of words, then an `LSTM` over
/// each sentence's words) reads each sentence as if its padding were not there.
@Suite struct TimeDistributedMaskTests {
  /// Sentences of word ids, padded with 0 at the end: 2 documents × 3 sentences × 4 words.
  static let ids: [Int32] = [
    3, 5, 0, 0, 7, 1, 2, 9, 4, 0, 0, 0,
    8, 8, 6, 0, 2, 0, 0, 0, 5, 3, 1, 0,
  ]

  @Test func theWrappedLSTMSkipsEachSentencesPadding() throws {
    try withBackend("reference") {
      try withRandomSeed(11) {
        let embedding = Embedding(10, 4, maskZero: true)
        let lstm = LSTM(5)
        let wrapped = TimeDistributed(lstm)
        let x = try embedding(Tensor(Self.ids, shape: [2, 3, 4]))
        #expect(x.mask?.shape == [2, 3, 4])
        let output = try wrapped(x)
        #expect(output.shape == [2, 3, 5])
        let got = try output.floats()
        // Independently: the same LSTM on each sentence's words alone, without padding.
        for sentence in 0..<6 {
          let words = Self.ids[(sentence * 4)..<(sentence * 4 + 4)].filter { $0 != 0 }
          let alone = try embedding(Tensor(Array(words), shape: [1, words.count]))
          let expected = try lstm(alone.withMask(nil)).floats()
          for unit in 0..<5 {
            #expect(
              abs(got[sentence * 5 + unit] - expected[unit]) <= 1e-5,
              "sentence \(sentence) unit \(unit)")
          }
        }
        // Without the mask the padding is read as words: the outputs differ.
        let unmasked = try wrapped(x.withMask(nil)).floats()
        #expect(unmasked != got)
        // The output keeps the input's mask, as Keras's TimeDistributed.
        #expect(output.mask?.shape == [2, 3, 4])
      }
    }
  }

  @Test func aMaskOfTheWrongShapeIsAnErrorNamingTheLayer() throws {
    let layer = TimeDistributed(Dense(2), name: "per_step")
    let x = try Tensor.zeros([2, 3, 4]).withMask(Tensor.ones([3, 2], dtype: .bool))
    let text = thrownText { try layer(x) }
    #expect(text?.contains("per_step") == true, "\(text ?? "no error")")
    #expect(text?.contains("mask") == true, "\(text ?? "no error")")
  }

  @Test func aSequenceMaskPassesThroughADenseStep() throws {
    try withBackend("reference") {
      let x = try Embedding(10, 3, maskZero: true)(
        Tensor([1, 0, 2, 3, 0, 0] as [Int32], shape: [2, 3]))
      let output = try TimeDistributed(Dense(2))(x)
      #expect(output.shape == [2, 3, 2])
      #expect(
        try output.mask.map { try Ops.cast($0, to: .float32).floats() } == [1, 0, 1, 1, 0, 0])
    }
  }
}

import Foundation
import Plexus
import Testing

/// Masks within a layer, as Keras's layers honour them when called.
@Suite struct MaskPropagationTests {
  /// Keras's MultiHeadAttention called on a masked sequence: padding queries attend to nothing
  /// and no query attends to padding (Keras: `[[.5, .5, 0, 0], [.501, .499, 0, 0], 0, 0]`); the
  /// output keeps the query's mask.
  @Test func attentionHonoursTheQueryAndValueMasks() throws {
    try withBackend("reference") {
      try withRandomSeed(3) {
        let embedding = Embedding(16, 4, maskZero: true)
        let attention = try MultiHeadAttention(1, keyDim: 2)
        let x = try embedding(Tensor([3, 7, 0, 0] as [Int32], shape: [1, 4]))
        let mask = try #require(x.mask)
        #expect(try Ops.cast(mask, to: .float32).floats() == [1, 1, 0, 0])
        let (output, scores) = try attention.callWithScores(query: x, value: x)
        let rows = try scores.floats()
        #expect(rows[2] == 0 && rows[3] == 0 && rows[6] == 0 && rows[7] == 0)
        #expect(abs(rows[0] + rows[1] - 1) < 1e-6 && abs(rows[4] + rows[5] - 1) < 1e-6)
        #expect(rows[8..<16].allSatisfy { $0 == 0 })
        _ = output
        let called = try attention(query: x, value: x)
        #expect(try called.mask.map { try Ops.cast($0, to: .float32).floats() } == [1, 1, 0, 0])
      }
    }
  }

  /// A layer that supports masking passes the mask on; one that does not (Flatten) stops it;
  /// ops drop it; merges combine masks with OR.
  @Test func masksFlowThroughSupportingLayersOnly() throws {
    try withBackend("reference") {
      let embedding = Embedding(10, 3, maskZero: true)
      let ids = try Tensor([1, 2, 0, 4, 0, 0] as [Int32], shape: [2, 3])
      let x = try embedding(ids)
      let dense = try Dense(2)(x)
      #expect(try dense.mask.map { try Ops.cast($0, to: .float32).floats() } == [1, 1, 0, 1, 0, 0])
      #expect(try Flatten()(x).mask == nil)
      #expect(try Ops.add(x, x).mask == nil)
      let other = try Embedding(10, 3, maskZero: true)(
        Tensor([1, 0, 3, 4, 5, 0] as [Int32], shape: [2, 3]))
      // Keras's merge rule: OR of the masks; none when an input has none.
      let sum = try Add()([x, other])
      #expect(try sum.mask.map { try Ops.cast($0, to: .float32).floats() } == [1, 1, 1, 1, 1, 0])
      #expect(try Add()([x, Dense(3)(Tensor.zeros([2, 3, 3]))]).mask == nil)
      let pooled = try GlobalAveragePooling1D()(x)
      #expect(pooled.mask == nil)
      // The mean over the kept steps only.
      let values = try x.floats()
      let expected = (0..<3).map { (values[$0] + values[3 + $0]) / 2 }
      let got = try pooled.floats()
      for index in 0..<3 { #expect(abs(got[index] - expected[index]) < 1e-6) }
    }
  }

  /// Compiled steps (captured, then replayed) compute masks and masked losses as eager ones:
  /// three epochs of a masked sequence model end with the same weights, bit for bit.
  @Test func compiledStepsHonourMasksAsEagerOnesDo() throws {
    let file = KerasMaskParityTests.directory.appendingPathComponent(
      "embedding_lstm_sequence.keras")
    func train(eager: Bool) throws -> ([Float], CompilationStatistics?) {
      try withBackend("reference") {
        try withRandomSeed(5) {
          let model = try loadModel(file.path)
          model.runEagerly = eager
          let ids: [Int32] = [
            3, 7, 1, 0, 0, 0, 5, 2, 9, 4, 8, 6, 0, 0, 11, 3, 2, 0, 13, 0, 0, 0, 0, 0,
          ]
          let x = try Tensor(ids, shape: [4, 6])
          let y = try Tensor(ids.map { $0 % 3 }, shape: [4, 6])
          try model.fit(x, y, batchSize: 2, epochs: 3, verbose: 0, shuffle: false)
          return (
            try model.weights.flatMap { try $0.value.floats() },
            model.compilationStatistics["train"]
          )
        }
      }
    }
    let (compiled, statistics) = try train(eager: false)
    let (eager, _) = try train(eager: true)
    #expect(compiled == eager)
    #expect((statistics?.replays ?? 0) > 0)
  }

  /// Keras's Concatenate masks (worked by hand): along the features, a step is kept where
  /// either input keeps it; an unmasked input keeps every step; along time, the masks join.
  @Test func concatenateJoinsMasksAsKeras() throws {
    try withBackend("reference") {
      let first = try Embedding(10, 2, maskZero: true)(
        Tensor([1, 0, 0, 4, 5, 0] as [Int32], shape: [2, 3]))
      let second = try Embedding(10, 3, maskZero: true)(
        Tensor([0, 2, 0, 0, 0, 6] as [Int32], shape: [2, 3]))
      func values(_ mask: Tensor?) throws -> [Float]? {
        try mask.map { try Ops.cast($0, to: .float32).floats() }
      }
      #expect(try values(Concatenate()([first, second]).mask) == [1, 1, 0, 1, 1, 1])
      let unmasked = try Tensor.zeros([2, 3, 3])
      #expect(try values(Concatenate()([first, unmasked]).mask) == [1, 1, 1, 1, 1, 1])
      let x = try Tensor.zeros([2, 3, 2])
      #expect(try Concatenate()([x, unmasked]).mask == nil)
      let overTime = try Concatenate(axis: 1)([first, Dense(2)(second)])
      #expect(try values(overTime.mask) == [1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1])
    }
  }
}

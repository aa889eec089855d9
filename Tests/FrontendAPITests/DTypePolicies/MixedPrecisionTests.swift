import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// bfloat16: rounding, backends computing through float32, and the `mixed_bfloat16` policy.
@Suite struct MixedPrecisionTests {
  static var backends: [String] {
    Config.availableBackends.filter { ["reference", "openblas", "onednn"].contains($0) }
  }

  /// Hand-worked roundings: exact values stay, halfway cases go to the even neighbour, NaN
  /// stays NaN, infinities stay, and a value past the largest bfloat16 rounds to infinity.
  @Test func roundingIsToNearestEven() {
    #expect(BFloat16.bits(1) == 0x3F80)
    #expect(BFloat16.float(BFloat16.bits(-2.5)) == -2.5)
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even one, 1.
    #expect(BFloat16.float(BFloat16.bits(1 + 0x1p-8)) == 1)
    // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to 1 + 2^-6.
    #expect(BFloat16.float(BFloat16.bits(1 + 3 * 0x1p-8)) == 1 + 0x1p-6)
    // Just above halfway rounds up.
    #expect(BFloat16.float(BFloat16.bits(1 + 0x1p-8 + 0x1p-20)) == 1 + 0x1p-7)
    #expect(BFloat16.float(BFloat16.bits(.nan)).isNaN)
    #expect(BFloat16.float(BFloat16.bits(-.infinity)) == -.infinity)
    #expect(BFloat16.float(BFloat16.bits(Float.greatestFiniteMagnitude)) == .infinity)
  }

  /// A bfloat16 product on each backend equals float32 arithmetic on the same (exactly
  /// widened) operands, rounded once: computed here independently with a naive loop.
  @Test(arguments: backends)
  func matmulComputesThroughFloat32(backend: String) throws {
    try withRandomSeed(2) {
      let a = try Ops.cast(Ops.randomNormal([5, 7]), to: .bfloat16)
      let b = try Ops.cast(Ops.randomNormal([7, 3]), to: .bfloat16)
      let product = try withBackend(backend) { try Ops.matmul(a, b) }
      #expect(product.dtype == .bfloat16)
      let (x, y) = (try a.floats(), try b.floats())
      var expected: [Float] = []
      for row in 0..<5 {
        for column in 0..<3 {
          var sum: Float = 0
          for k in 0..<7 { sum += x[row * 7 + k] * y[k * 3 + column] }
          expected.append(BFloat16.float(BFloat16.bits(sum)))
        }
      }
      let got = try product.floats()
      // The float32 kernels may sum in another order: within one bfloat16 step of the value.
      for (value, reference) in zip(got, expected) {
        #expect(Swift.abs(value - reference) <= Swift.abs(reference) * 0x1p-7 + 1e-6)
      }
    }
  }

  /// Under `mixed_bfloat16`, a model's variables stay float32 and so do their gradients and
  /// the loss, while its layers compute in bfloat16; it trains (the loss falls) and reaches
  /// nearly the float32 model's loss.
  @Test(arguments: backends)
  func mixedPolicyTrainsWithFloat32Variables(backend: String) throws {
    func trained(_ policy: DTypePolicy) throws -> (Model, [Double]) {
      try withRandomSeed(8) {
        let x = try Ops.randomNormal([128, 6])
        let y = try Ops.cast(
          Ops.greater(Ops.sum(x, axes: [1]), Tensor.scalar(0)), to: .int32)
        let model = try withDTypePolicy(policy) {
          Sequential {
            Input(shape: [6])
            Dense(16, activation: .relu)
            Dropout(0.1)
            Dense(2)
          }
        }
        model.backend = backend
        try model.compile(
          optimizer: Adam(learningRate: 0.02),
          loss: SparseCategoricalCrossentropy(fromLogits: true))
        let history = try model.fit(x, y, batchSize: 32, epochs: 6, verbose: 0)
        return (model, history.history["loss"] ?? [])
      }
    }
    let (mixed, losses) = try trained(.mixedBFloat16)
    let (_, float32Losses) = try trained(.float32)
    #expect(mixed.weights.allSatisfy { $0.dtype == .float32 })
    #expect(mixed.layers.allSatisfy { $0.dtypePolicy == .mixedBFloat16 })
    let x = try Ops.randomNormal([4, 6])
    #expect(try mixed(x).dtype == .bfloat16)
    let first = losses.first ?? 0
    let last = losses.last ?? .infinity
    #expect(last < first * 0.6, "losses \(losses)")
    #expect(Swift.abs(last - (float32Losses.last ?? 0)) < 0.1, "\(losses) vs \(float32Losses)")
  }

  /// A layer's config carries its policy, and a model made from the config takes it back.
  @Test func configsCarryThePolicy() throws {
    let model = try withDTypePolicy(.mixedBFloat16) {
      Sequential {
        Input(shape: [3])
        Dense(4)
      }
    }
    let json = model.toJSON()
    #expect(json.contains("mixed_bfloat16"))
    let restored = try Model.fromJSON(json)
    #expect(restored.layers.last?.dtypePolicy == .mixedBFloat16)
    #expect {
      try withDTypePolicy(DTypePolicy(name: "mixed_float16")) {}
    } throws: { error in
      "\(error)".contains("mixed_float16") && "\(error)".contains("mixed_bfloat16")
    }
  }

  /// BatchNormalization keeps its statistics in float32 under the mixed policy and gives the
  /// policy's dtype.
  @Test func batchNormalizationComputesInFloat32() throws {
    let layer = try withDTypePolicy(.mixedBFloat16) { BatchNormalization() }
    let x = try Ops.cast(Ops.randomNormal([8, 3]), to: .bfloat16)
    let y = try layer(x, training: true)
    #expect(y.dtype == .bfloat16)
    #expect(layer.weights.allSatisfy { $0.dtype == .float32 })
  }
}

/// Casts to and from bfloat16 on the reference backend, against the hand-written rounding.
@Suite struct BFloat16CastTests {
  @Test func castsRoundAndWidenAsBFloat16Does() throws {
    let values: [Float] = [1, 1 + 0x1p-8, 1 + 3 * 0x1p-8, -0.1, 3.14159, 65504, .infinity]
    let x = try Tensor(values, shape: [values.count])
    let narrow = try withBackend("reference") { try Ops.cast(x, to: .bfloat16) }
    #expect(narrow.dtype == .bfloat16)
    let back = try withBackend("reference") { try Ops.cast(narrow, to: .float32) }
    #expect(try back.floats() == values.map { BFloat16.float(BFloat16.bits($0)) })
    // Integers go through float32.
    let ints = try Tensor([Int32(3), -7, 300], shape: [3])
    let viaFloat = try Ops.cast(Ops.cast(ints, to: .bfloat16), to: .int32)
    #expect(try viaFloat.scalars(Int32.self) == [3, -7, 300])
  }

  /// A compiled step under the mixed policy replays its casts: bitwise equal to eager.
  @Test func aMixedStepReplaysAsEager() throws {
    func run(_ mode: JitCompile) throws -> [[Float]] {
      try withRandomSeed(12) {
        let x = try Ops.randomNormal([64, 5])
        let y = try Ops.cast(Ops.greater(Ops.sum(x, axes: [1]), Tensor.scalar(0)), to: .int32)
        let model = try withDTypePolicy(.mixedBFloat16) {
          Sequential {
            Input(shape: [5])
            Dense(8, activation: .relu)
            Dense(2)
          }
        }
        try model.compile(
          optimizer: Adam(learningRate: 0.01),
          loss: SparseCategoricalCrossentropy(fromLogits: true), jitCompile: mode)
        try model.fit(x, y, batchSize: 16, epochs: 2, verbose: 0)
        return try model.weights.map { try $0.value.floats() }
      }
    }
    #expect(try run(.off) == run(.on))
  }
}

/// `.keras` files carry each layer's policy.
@Suite struct MixedPrecisionFileTests {
  @Test func aSavedMixedModelLoadsWithItsPolicy() throws {
    let model = try withDTypePolicy(.mixedBFloat16) {
      Sequential {
        Input(shape: [3])
        Dense(4, activation: .relu)
        Dense(2)
      }
    }
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("mixed-\(UInt64.random(in: 0 ... .max)).keras").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try model.save(path)
    let loaded = try loadModel(path)
    #expect(loaded.layers.allSatisfy { $0.dtypePolicy == .mixedBFloat16 })
    let x = try Ops.randomNormal([2, 3])
    #expect(try loaded(x).floats() == model(x).floats())
    #expect(try loaded(x).dtype == .bfloat16)
  }
}

/// Layers under the mixed policy that need care: a convolution with relu before pooling, ids
/// into an embedding, attention's sublayers.
@Suite struct MixedPrecisionLayerTests {
  /// Conv2D(relu) → MaxPooling2D (run reordered in float32) trains under the mixed policy.
  @Test func aConvolutionBeforePoolingTrains() throws {
    try withRandomSeed(3) {
      let x = try Ops.randomNormal([16, 6, 6, 1])
      let y = try Ops.cast(Ops.randomUniform([16], maxval: 2), to: .int32)
      let model = try withDTypePolicy(.mixedBFloat16) {
        Sequential {
          Input(shape: [6, 6, 1])
          Conv2D(4, kernelSize: 3, activation: .relu)
          MaxPooling2D(poolSize: 2)
          Flatten()
          Dense(2)
        }
      }
      try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
      let history = try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0)
      #expect(history.history["loss"]?.allSatisfy(\.isFinite) == true)
      #expect(try model(x).dtype == .bfloat16)
    }
  }

  /// Float ids into an Embedding are not rounded to bfloat16 first (257 would become 256).
  @Test func embeddingIdsAreNotRounded() throws {
    let layer = try withDTypePolicy(.mixedBFloat16) { Embedding(1000, 2) }
    let ids = try Tensor([Float(257), 999], shape: [2])
    let rows = try layer(ids).floats()
    let table = try layer.weights[0].value.floats()
    let expected = [257, 999].flatMap { row in
      (0..<2).map { BFloat16.float(BFloat16.bits(table[row * 2 + $0])) }
    }
    #expect(rows == expected)
  }

  /// Layers that compute in float32 (the normalizations, Embedding's gather) still give the
  /// policy's bfloat16 when their input is float32, as Keras's do; the values are the float32
  /// results rounded once.
  @Test func float32LayersGiveTheComputeDTypeOnFloat32Inputs() throws {
    let x = try Tensor((0..<6).map { Float($0) * 0.37 - 1 }, shape: [2, 3])
    let layers: [Layer] = try withDTypePolicy(.mixedBFloat16) {
      [BatchNormalization(), LayerNormalization(), Normalization(mean: [0.5], variance: [2])]
    }
    for layer in layers {
      let y = try layer(x)
      #expect(y.dtype == .bfloat16, "\(layer.name)")
      layer.dtypePolicy = .float32
      let exact = try layer(x).floats()
      #expect(try y.floats() == exact.map { BFloat16.float(BFloat16.bits($0)) }, "\(layer.name)")
    }
  }

  /// A layer's policy reaches the sublayers it builds (attention's projections).
  @Test func attentionSublayersTakeThePolicy() throws {
    let attention = try MultiHeadAttention(2, keyDim: 4)
    attention.dtypePolicy = .mixedBFloat16
    let x = try Ops.randomNormal([2, 3, 8])
    let y = try attention([x, x])
    #expect(y.dtype == .bfloat16)
    #expect(attention.sublayers.allSatisfy { $0.1.dtypePolicy == .mixedBFloat16 })
  }
}

/// Calls that make several tensors or take states cast as a call with one output does, eagerly
/// and in a Functional graph: outputs and states in the policy's bfloat16.
@Suite struct MixedPrecisionMultipleOutputTests {
  @Test func recurrentStatesAndAttentionScoresTakeThePolicy() throws {
    let (encoder, decoder, attention) = try withDTypePolicy(.mixedBFloat16) {
      (
        LSTM(4, returnState: true, name: "encoder"),
        GRU(4, returnSequences: true, returnState: true, name: "decoder"),
        try MultiHeadAttention(2, keyDim: 2, name: "attention")
      )
    }
    let source = Input(shape: [5, 3], name: "source")
    let target = Input(shape: [4, 3], name: "target")
    let encoded = try encoder.callWithStates(source)
    let decoded = try decoder.callWithStates(target, initialState: [encoded[1]])
    let attended = try attention.callWithScores(query: decoded[0], value: decoded[0])
    let model = try Model(
      inputs: [source, target], outputs: [attended.output, attended.scores, decoded[1]],
      name: "mixed_graph")
    let x = try withRandomSeed(3) {
      [try Ops.randomNormal([2, 5, 3]), try Ops.randomNormal([2, 4, 3])]
    }
    let outputs = try model.predict(x)
    #expect(outputs.map(\.dtype) == [.bfloat16, .bfloat16, .bfloat16])
    // Eager calls give the same dtypes and values: the graph replays them.
    let states = try encoder.callWithStates(x[0])
    #expect(states.allSatisfy { $0.dtype == .bfloat16 })
    // A float32 state is cast as the input is.
    let sequence = try decoder.callWithStates(
      x[1], initialState: [try Ops.cast(states[1], to: .float32)])
    let eager = try attention.callWithScores(query: sequence[0], value: sequence[0])
    #expect(try eager.output.floats() == outputs[0].floats())
    #expect(try eager.scores.floats() == outputs[1].floats())
    #expect(try sequence[1].floats() == outputs[2].floats())
  }
}

/// float64 rounds to bfloat16 once, not through float32's own rounding.
@Suite struct BFloat16DoubleTests {
  @Test func float64RoundsOnce() throws {
    // 1 + 2^-8 + 2^-30: float32 would round it to the tie 1 + 2^-8, then bfloat16 to 1; the
    // value is above the tie, so it rounds up to 1 + 2^-7.
    let values: [Double] = [
      1 + 0x1p-8 + 0x1p-30, 1 + 0x1p-8, -(1 + 3 * 0x1p-8 - 0x1p-40), 0x1p-140,
    ]
    let x = try Tensor(values, shape: [values.count])
    let rounded = try withBackend("reference") {
      try Ops.cast(Ops.cast(x, to: .bfloat16), to: .float32).floats()
    }
    #expect(rounded == [1 + 0x1p-7, 1, -(1 + 0x1p-7), BFloat16.float(BFloat16.bits(0x1p-140))])
  }
}

/// A model's own policy entry does not override its layers' when a config loads.
@Suite struct MixedPrecisionConfigTests {
  @Test func layersKeepTheirPoliciesUnderAFloat32Model() throws {
    let mixed = Dense(4)
    mixed.dtypePolicy = .mixedBFloat16
    let model = Sequential {
      Input(shape: [3])
      mixed
      Dense(2)
    }
    let restored = try Model.fromJSON(model.toJSON())
    #expect(restored.dtypePolicy == .float32)
    #expect(restored.layers.map(\.dtypePolicy) == [.mixedBFloat16, .float32])
  }
}

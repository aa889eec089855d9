import Foundation
import Plexus
import Testing

/// `SparseCategoricalCrossentropy(ignoreClass:)` beyond the Keras fixtures: ignored labels add
/// no loss and no gradient and leave the mean, `fit` accepts them although they are no class,
/// and a class no label can hold ignores nothing.
@Suite struct SparseCategoricalIgnoreClassTests {
  /// Zero logits over 2 classes cost ln 2 per label. Labels 0, 255, 1, 255 with 255 ignored:
  /// the mean over the two kept labels is ln 2 (not ln 2 · 2/4), and the ignored rows get no
  /// gradient.
  @Test func ignoredLabelsLeaveTheMeanAndTheGradient() throws {
    let labels = try Tensor([0, 255, 1, 255] as [Int32], shape: [4])
    var logits = try Tensor.zeros([4, 2])
    let tape = GradientTape()
    tape.watch(&logits)
    let loss = SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 255)
    let value = try tape.record { try loss(labels, logits) }
    #expect(abs(try value.scalars(Float.self)[0] - Float(log(2.0))) < 1e-6)
    let gradient = try #require(try tape.gradient(of: value, wrt: [logits]).first ?? nil)
    // Kept rows: (softmax - onehot) / 2 kept labels; ignored rows: 0.
    #expect(try gradient.scalars(Float.self) == [-0.25, 0.25, 0, 0, 0.25, -0.25, 0, 0])
    // Unreduced: 0 for the ignored labels.
    let perSample = try SparseCategoricalCrossentropy(
      fromLogits: true, ignoreClass: 255, reduction: .none)(labels, logits)
    #expect(try perSample.scalars(Float.self).map { $0 == 0 } == [false, true, false, true])
  }

  /// Probabilities (a softmax output): an ignored row's scores never reach a 0/0, so every
  /// gradient is finite and the kept rows' gradient is the plain loss's over them.
  @Test func probabilitiesGetFiniteGradients() throws {
    let labels = try Tensor([2, -1, 0] as [Int32], shape: [3])
    var scores = try Tensor([0.2, 0.3, 0.5, 0, 0, 0, 0.6, 0.3, 0.1] as [Float], shape: [3, 3])
    let tape = GradientTape()
    tape.watch(&scores)
    let value = try tape.record {
      try SparseCategoricalCrossentropy(ignoreClass: -1)(labels, scores)
    }
    let gradient = try #require(try tape.gradient(of: value, wrt: [scores]).first ?? nil)
    let values = try gradient.scalars(Float.self)
    #expect(values.allSatisfy { $0.isFinite }, "\(values)")
    #expect(values[3..<6].allSatisfy { $0 == 0 })
    let loss = try value.scalars(Float.self)[0]
    #expect(abs(loss - Float(-(log(0.5) + log(0.6)) / 2)) < 1e-6)
  }

  /// A label map with a "void" value 255 trains; without `ignoreClass` the same labels are
  /// refused by name before the first step.
  @Test func fitTrainsOnLabelsWithAVoidValue() throws {
    let x = try Tensor((0..<48).map { Float($0 % 7) / 7 }, shape: [8, 6])
    let y = try Tensor([0, 1, 255, 2, 1, 255, 0, 2] as [Int32], shape: [8])
    func model() throws -> Sequential {
      let model = Sequential {
        Input(shape: [6])
        Dense(3)
      }
      return model
    }
    let ignoring = try model()
    try ignoring.compile(
      optimizer: Adam(learningRate: 0.05),
      loss: SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 255))
    let history = try ignoring.fit(x, y, batchSize: 4, epochs: 5, verbose: 0)
    let losses = history.history["loss"] ?? []
    #expect(losses.count == 5 && losses.allSatisfy(\.isFinite))
    #expect((losses.last ?? 1) < (losses.first ?? 0))
    let strict = try model()
    try strict.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
    let text = try #require(
      thrownText { try strict.fit(x, y, batchSize: 4, epochs: 1, verbose: 0) })
    #expect(text.contains("255"))
  }

  /// A class no int32 label can hold ignores nothing; the config carries the class.
  @Test func unreachableClassesAndConfigs() throws {
    let labels = try Tensor([0, 1] as [Int32], shape: [2])
    let logits = try Tensor([1, 2, 3, 1] as [Float], shape: [2, 2])
    let plain = try SparseCategoricalCrossentropy(fromLogits: true)(labels, logits)
    for ignored in [Int.max, Int.min, Int(Int32.max) + 1] {
      let loss = SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: ignored)
      #expect(try loss(labels, logits).scalars(Float.self) == plain.scalars(Float.self))
    }
    // int64 labels: Int.max and a class past 2^53 (which a Double would round) are matched
    // exactly, never trapped on.
    let wide = 1 << 53 + 1
    let wideLabels = try Tensor([0, Int64(wide)] as [Int64], shape: [2])
    let onlyFirst = try SparseCategoricalCrossentropy(fromLogits: true)(
      Tensor([0] as [Int64], shape: [1]), Tensor([1, 2] as [Float], shape: [1, 2]))
    let ignoringWide = SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: wide)
    #expect(
      try ignoringWide(wideLabels, logits).scalars(Float.self) == onlyFirst.scalars(Float.self))
    let ignoringMax = SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: Int.max)
    #expect(
      try ignoringMax(Tensor([0, 1] as [Int64], shape: [2]), logits).scalars(Float.self)
        == plain.scalars(Float.self))
    let loss = SparseCategoricalCrossentropy(ignoreClass: 255)
    #expect(loss.config["ignore_class"] == 255)
    let rebuilt = try Loss.fromConfig(loss.serialized.value)
    #expect((rebuilt as? SparseCategoricalCrossentropy)?.ignoreClass == 255)
  }
}

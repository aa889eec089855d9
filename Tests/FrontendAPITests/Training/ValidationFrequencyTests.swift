import Testing

@testable import Plexus

/// `fit(validationFreq:)`, Keras's `validation_freq`: validation runs after every `n`th epoch
/// or after the listed ones (counted from 1), and the other epochs log no `val_` entries.
@Suite struct ValidationFrequencyTests {
  /// A compiled one-layer model and 8 samples for it.
  private static func problem() throws -> (model: Sequential, x: Tensor, y: Tensor) {
    let model = Sequential {
      Input(shape: [2])
      Dense(1)
    }
    try model.compile(optimizer: SGD(learningRate: 0.01), loss: MeanSquaredError())
    let x = try Tensor((0..<16).map { Float($0) / 16 }, shape: [8, 2])
    return (model, x, try Ops.sum(x, axes: [1], keepDims: true))
  }

  /// The epochs (from 0) whose logs had `val_loss`, for a 6-epoch fit.
  private static func validatedEpochs(_ frequency: ValidationFrequency) throws -> [Int] {
    let (model, x, y) = try problem()
    var epochs: [Int] = []
    let recorder = LambdaCallback(onEpochEnd: { epoch, logs in
      if logs["val_loss"] != nil { epochs.append(epoch) }
    })
    let history = try model.fit(
      x, y, batchSize: 4, epochs: 6, verbose: 0, callbacks: [recorder],
      validationData: (x, y), validationFreq: frequency)
    #expect((history.history["val_loss"]?.count ?? 0) == epochs.count)
    #expect(history.history["loss"]?.count == 6)
    return epochs
  }

  @Test func everyNthEpochCountedFromOne() throws {
    #expect(try Self.validatedEpochs(1) == [0, 1, 2, 3, 4, 5])
    #expect(try Self.validatedEpochs(2) == [1, 3, 5])
    #expect(try Self.validatedEpochs(4) == [3])
  }

  @Test func listedEpochsCountedFromOne() throws {
    #expect(try Self.validatedEpochs([1, 4, 6]) == [0, 3, 5])
    #expect(try Self.validatedEpochs([9]) == [])
  }

  @Test func badFrequenciesAreErrors() throws {
    for frequency: ValidationFrequency in [0, -2, [0, 2]] {
      let text = thrownText { try Self.validatedEpochs(frequency) }
      #expect(text?.contains("validationFreq") == true, "\(frequency)")
    }
  }

  /// Keras's `validation_batch_size`: 8 validation samples in batches of 3 are 3 test steps.
  @Test func validationBatchSizeSetsTheValidationBatches() throws {
    let (model, x, y) = try Self.problem()
    final class Counter: Callback {
      weak var model: Model?
      var testBatches = 0
      func onTestBatchEnd(_ batch: Int, logs: [String: Double]) throws { testBatches += 1 }
    }
    for (size, expected) in [(nil, 1), (3, 3), (8, 1)] as [(Int?, Int)] {
      let counter = Counter()
      try model.fit(
        x, y, batchSize: 8, epochs: 1, verbose: 0, callbacks: [counter],
        validationData: (x, y), validationBatchSize: size)
      #expect(counter.testBatches == expected, "validationBatchSize \(String(describing: size))")
    }
    #expect(
      thrownText {
        try model.fit(x, y, verbose: 0, validationData: (x, y), validationBatchSize: 0)
      }?.contains("validationBatchSize") == true)
  }
}

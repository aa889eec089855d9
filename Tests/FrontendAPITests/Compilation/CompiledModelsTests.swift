import PlexusTestSupport
import Testing

@testable import Plexus

/// Compiled `fit`, `evaluate` and `predict` against eager ones across the kinds of models
/// users build: the same weights, losses and predictions, bit for bit, whatever the layers.
@Suite struct CompiledModelsTests {
  /// A model to train: how to make it, its inputs and targets, and its loss.
  struct Case: CustomStringConvertible, Sendable {
    let description: String
    let make: @Sendable () throws -> Model
    let data: @Sendable () throws -> ([Tensor], [Tensor])
    let loss: @Sendable () -> [Loss]
  }

  static let classes: @Sendable ([Int]) throws -> ([Tensor], [Tensor]) = { shape in
    let x = try Ops.randomNormal(Shape(shape))
    let y = try Ops.cast(Ops.randomUniform([shape[0]], maxval: 3), to: .int32)
    return ([x], [y])
  }

  static let cases: [Case] = [
    Case(
      description: "BatchNormalization and Dropout",
      make: {
        Sequential {
          Input(shape: [6])
          Dense(12)
          BatchNormalization()
          Activation(.relu)
          Dropout(0.25)
          Dense(3)
        }
      }, data: { try classes([70, 6]) },
      loss: { [SparseCategoricalCrossentropy(fromLogits: true)] }),
    Case(
      description: "convolution, pooling and BatchNormalization",
      make: {
        Sequential {
          Input(shape: [8, 8, 2])
          Conv2D(4, kernelSize: 3, activation: .relu)
          MaxPooling2D(poolSize: 2)
          BatchNormalization()
          Flatten()
          Dense(3)
        }
      }, data: { try classes([40, 8, 8, 2]) },
      loss: { [SparseCategoricalCrossentropy(fromLogits: true)] }),
    Case(
      description: "LSTM",
      make: {
        Sequential {
          Input(shape: [5, 4])
          LSTM(6)
          Dense(3)
        }
      }, data: { try classes([44, 5, 4]) },
      loss: { [SparseCategoricalCrossentropy(fromLogits: true)] }),
    Case(
      description: "bidirectional GRU",
      make: {
        let bidirectional = try Bidirectional(GRU(5))
        return Sequential {
          Input(shape: [5, 4])
          bidirectional
          Dense(3)
        }
      }, data: { try classes([44, 5, 4]) },
      loss: { [SparseCategoricalCrossentropy(fromLogits: true)] }),
    Case(
      description: "Embedding and pooling",
      make: {
        Sequential {
          Input(shape: [7], dtype: .int32)
          Embedding(30, 6)
          GlobalAveragePooling1D()
          Dense(3)
        }
      },
      data: {
        let ids = try Ops.cast(Ops.randomUniform([50, 7], maxval: 30), to: .int32)
        let y = try Ops.cast(Ops.randomUniform([50], maxval: 3), to: .int32)
        return ([ids], [y])
      }, loss: { [SparseCategoricalCrossentropy(fromLogits: true)] }),
    Case(
      description: "attention with a residual",
      make: {
        let inputs = Input(shape: [5, 8])
        let attention = try MultiHeadAttention(2, keyDim: 4, dropout: 0.1)
        let attended = try attention(query: inputs, value: inputs, useCausalMask: true)
        let pooled = try GlobalAveragePooling1D()(
          try LayerNormalization()(try Add()([inputs, attended])))
        return try Model(inputs: inputs, outputs: try Dense(3)(pooled))
      }, data: { try classes([36, 5, 8]) },
      loss: { [SparseCategoricalCrossentropy(fromLogits: true)] }),
    Case(
      description: "two inputs and two outputs",
      make: {
        let a = Input(shape: [4])
        let b = Input(shape: [3])
        let joined = try Concatenate()([try Dense(6, activation: .relu)(a), b])
        let label = try Dense(3, name: "label")(joined)
        let score = try Dense(1, name: "score")(joined)
        return try Model(inputs: [a, b], outputs: [label, score])
      },
      data: {
        let a = try Ops.randomNormal([45, 4])
        let b = try Ops.randomNormal([45, 3])
        let label = try Ops.cast(Ops.randomUniform([45], maxval: 3), to: .int32)
        let score = try Ops.randomNormal([45, 1])
        return ([a, b], [label, score])
      }, loss: { [SparseCategoricalCrossentropy(fromLogits: true), MeanSquaredError()] }),
  ]

  /// Two epochs with a partial last batch, then evaluate and predict: the same bits compiled
  /// and eager, and the compiled run replayed.
  @Test(arguments: cases)
  func compiledEqualsEager(_ model: Case) throws {
    func run(_ mode: JitCompile) throws -> (
      weights: [[Float]], losses: [Double], evaluated: [String: Double], predicted: [[Float]],
      replays: Int
    ) {
      try withRandomSeed(31) {
        let (x, y) = try model.data()
        let network = try model.make()
        let losses = model.loss()
        try network.compile(
          optimizer: Adam(learningRate: 0.01), loss: losses,
          lossWeights: losses.count > 1 ? [1, 0.5] : nil, metrics: ["accuracy"], jitCompile: mode)
        let history = try network.fit(x, y, batchSize: 16, epochs: 2, verbose: 0)
        let evaluated = try network.evaluate(x, y, batchSize: 16, verbose: 0)
        let predicted = try network.predict(x, batchSize: 16).map { try $0.floats() }
        return (
          try network.weights.map { try $0.value.floats() }, history.history["loss"] ?? [],
          evaluated, predicted, network.compilationStatistics["train"]?.replays ?? 0
        )
      }
    }
    let eager = try run(.off)
    let compiled = try run(.on)
    #expect(compiled.weights == eager.weights)
    #expect(compiled.losses == eager.losses)
    #expect(compiled.evaluated == eager.evaluated)
    #expect(compiled.predicted == eager.predicted)
    #expect(compiled.replays > 0 && eager.replays == 0)
  }

  /// Sample weights and class weights reach the replayed loss.
  @Test func sampleAndClassWeightsReplayAsEager() throws {
    func run(_ mode: JitCompile, classWeighted: Bool) throws -> [[Float]] {
      try withRandomSeed(32) {
        let (x, y) = try Self.classes([60, 6])
        let weights = try Ops.randomUniform([60], minval: 0.5, maxval: 2)
        let network = Sequential {
          Input(shape: [6])
          Dense(8, activation: .relu)
          Dense(3)
        }
        try network.compile(
          optimizer: Adam(learningRate: 0.01),
          loss: SparseCategoricalCrossentropy(fromLogits: true),
          jitCompile: mode)
        try network.fit(
          x[0], y[0], batchSize: 16, epochs: 2, verbose: 0,
          sampleWeight: classWeighted ? nil : weights,
          classWeight: classWeighted ? [0: 1, 1: 3, 2: 0.5] : nil)
        return try network.weights.map { try $0.value.floats() }
      }
    }
    for classWeighted in [false, true] {
      #expect(try run(.off, classWeighted: classWeighted) == run(.on, classWeighted: classWeighted))
    }
  }
}

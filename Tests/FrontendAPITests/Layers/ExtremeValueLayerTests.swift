import Testing

@testable import Plexus

/// Every layer, model entry point, optimizer, loss and formatter under the values a hostile
/// caller tries first (``ExtremeValues``): each call returns or throws a ``PlexusError``.
@Suite struct ExtremeValueLayerTests {
  typealias E = ExtremeValues

  static let layers: [(String, @Sendable (Int) -> Layer)] = [
    ("Dense", { Dense($0) }),
    ("Dense relu", { Dense($0, activation: .relu) }),
    ("Concatenate", { Concatenate(axis: $0) }),
    ("Reshape", { Reshape([$0]) }),
    ("Reshape -1", { Reshape([-1, $0]) }),
    ("Flatten", { _ in Flatten() }),
    ("Activation", { _ in Activation(.softmax) }),
    ("Add", { _ in Add() }),
    ("Dropout", { Dropout(Double($0)) }),
  ]

  @Test func layersOnTensors() throws {
    let tensors = try E.tensors()
    for (name, make) in Self.layers {
      for size in E.ints {
        for x in tensors {
          E.survive("\(name)(\(size)) on \(x.dtype) \(x.shape)") {
            try make(size)(x, training: true)
          }
          E.survive("\(name)(\(size)) on [x, x] \(x.shape)") {
            try make(size)([x, x], training: false)
          }
        }
      }
    }
  }

  @Test func layersOnSymbolicInputs() throws {
    for (name, make) in Self.layers {
      for size in E.ints {
        for dims in [[size], [3, size], [size, 3]] {
          E.survive("\(name)(\(size)) on Input(\(dims))") {
            let input = Input(shape: Shape(dims))
            let model = try Model(inputs: input, outputs: make(size)(input))
            #expect(!model.summaryText().isEmpty)
            return model
          }
        }
        for batch in E.ints {
          E.survive("Sequential Input(batch \(batch)) \(name)(\(size))") {
            let model = Sequential {
              Input(shape: [2, 3], batchSize: batch)
              make(size)
            }
            #expect(!model.summaryText().isEmpty)
            try model.buildFromInput()
            #expect(!model.summaryText().isEmpty)
            return try model.predict(Tensor.zeros([2, 2, 3]))
          }
        }
      }
    }
  }

  @Test func dropoutRates() throws {
    let x = try Tensor.ones([2, 3])
    for rate in E.doubles {
      E.survive("Dropout(\(rate))") { try Dropout(rate)(x, training: true) }
    }
  }

  @Test func inputSizesBelowMinusOneAreErrors() throws {
    for size in [-5, -2, Int.min] {
      let model = Sequential {
        Input(shape: [size])
        Dense(2)
      }
      #expect(throws: PlexusError.self) { try model.buildFromInput() }
      let input = Input(shape: [3, size])
      #expect(throws: PlexusError.self) { try Dense(2)(input) }
    }
    let identity = Input(shape: [-5])
    #expect(throws: PlexusError.self) { try Model(inputs: identity, outputs: identity) }
    let unknown = Input(shape: [-1, 4])
    #expect(try Dense(2)(unknown).shape == [-1, -1, 2])
  }

  @Test func aModelCannotContainItself() throws {
    let model = Sequential([Dense(2)])
    #expect(throws: PlexusError.self) { try model.add(model) }
    let outer = Sequential([model])
    #expect(throws: PlexusError.self) { try model.add(outer) }
    #expect(throws: PlexusError.self) { try model.add(Sequential([Sequential([outer])])) }
    try model.add(Dense(3))
    #expect(try model(Tensor.ones([1, 4])).shape == [1, 3])
  }

  @Test func inputSpecsWithExtremeConstraints() throws {
    for a in E.ints {
      for b in E.ints {
        func axes(_ pairs: [(Int, Int)]) -> [Int: Int] {
          Dictionary(pairs, uniquingKeysWith: { _, last in last })
        }
        let specs = [
          InputSpec(minRank: a, axes: [b: a]), InputSpec(rank: a, axes: [b: b]),
          InputSpec(axes: axes([(a, b), (-1, a)])), InputSpec(rank: b, axes: [-1: a, -2: b]),
        ]
        for spec in specs {
          #expect(!spec.expectationText.isEmpty)
          for shape: Shape in [[], [2, 3], [a, b]] {
            E.survive("InputSpec \(a) \(b) \(shape)") { try spec.check(shape, layer: "test") }
          }
        }
      }
    }
    #expect(
      InputSpec(minRank: 2, axes: [-1: 784]).expectationText == "rank ≥ 2 with shape (..., 784)")
    #expect(InputSpec(rank: 2, axes: [1: 784]).expectationText == "shape (None, 784)")
  }

  @Test func progbarFormattingWithExtremes() throws {
    for a in E.ints {
      for b in E.ints + [nil] {
        let line = Progbar.terminalLine(
          current: a, target: b, width: a, time: "1s", perUnit: "1ms/step",
          values: [("loss", .nan)])
        #expect(line.count < 2_000)
        _ = Progbar.summaryLine(current: a, target: b, elapsed: "1s", perUnit: "", values: [])
      }
    }
    for seconds in E.doubles {
      _ = Progbar.formatETA(seconds)
      _ = Progbar.formatElapsed(seconds)
      _ = Progbar.formatTimePerUnit(seconds, unitName: "step")
      _ = Progbar.formatValue(seconds)
    }
    var text = ""
    let bar = Progbar(target: Int.max, width: Int.max, output: { text += $0 }, isTerminal: true)
    bar.update(Int.min, values: [("loss", .infinity)])
    bar.add(Int.min)
    bar.add(Int.max)
    bar.update(Int.max, finalize: true)
    #expect(text.contains("━"))
  }

  // MARK: Training entry points

  func compiledModel() throws -> Sequential {
    let model = Sequential {
      Input(shape: [3])
      Dense(2)
    }
    try model.compile(optimizer: "sgd", loss: SparseCategoricalCrossentropy(fromLogits: true))
    return model
  }

  @Test func fitAndEvaluateArguments() throws {
    let model = try compiledModel()
    let x = try Tensor.ones([4, 3])
    let y = try Tensor.zeros([4], dtype: .int32)
    for size in E.ints {
      E.survive("fit batchSize \(size)") { try model.fit(x, y, batchSize: size, verbose: 0) }
      E.survive("fit epochs \(size)") {
        try model.fit(x, y, epochs: Swift.min(size, 2), verbose: 0, initialEpoch: size)
      }
      E.survive("evaluate batchSize \(size)") {
        try model.evaluate(x, y, batchSize: size, verbose: 0)
      }
      E.survive("predict batchSize \(size)") { try model.predict(x, batchSize: size) }
    }
    for split in E.doubles {
      E.survive("fit validationSplit \(split)") {
        try model.fit(x, y, verbose: 0, validationSplit: split)
      }
    }
  }

  @Test func fitAndEvaluateOnNothingAreErrors() throws {
    let model = try compiledModel()
    let x = try Tensor.zeros([0, 3])
    let y = try Tensor.zeros([0], dtype: .int32)
    let fitError = #expect(throws: PlexusError.self) { try model.fit(x, y, verbose: 0) }
    #expect(fitError?.description.contains("non-empty") == true)
    #expect(throws: PlexusError.self) { try model.evaluate(x, y, verbose: 0) }
  }

  @Test func validationSplitOutsideItsRangeIsAnError() throws {
    let model = try compiledModel()
    let x = try Tensor.ones([10, 3])
    let y = try Tensor.zeros([10], dtype: .int32)
    for split in [Double.nan, -0.1, -.infinity, 1, 1.5, .infinity] {
      #expect(throws: PlexusError.self, "\(split)") {
        try model.fit(x, y, verbose: 0, validationSplit: split)
      }
    }
    #expect(try model.fit(x, y, verbose: 0, validationSplit: 0.2).history["val_loss"] != nil)
  }

  @Test func fitOnNaNDataReportsNaN() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(4, activation: .relu)
      Dense(2)
    }
    try model.compile(optimizer: "sgd", loss: SparseCategoricalCrossentropy(fromLogits: true))
    let x = try Tensor([Float](repeating: .nan, count: 12), shape: [4, 3])
    let history = try model.fit(x, Tensor.zeros([4], dtype: .int32), verbose: 0)
    #expect(history.history["loss"]?.first?.isNaN == true)
  }

  @Test func hyperparametersAreRangeChecked() throws {
    let bad: [Optimizer] = [
      Adam(beta1: 1), Adam(beta1: .nan), Adam(beta2: -0.5), Adam(epsilon: -1),
      Adam(learningRate: .nan), Adam(learningRate: -1), Adam(learningRate: .infinity),
      SGD(momentum: 2), SGD(learningRate: .nan), RMSprop(rho: 1), RMSprop(epsilon: .nan),
      AdamW(learningRate: .nan), SGD(weightDecay: -1), SGD(clipnorm: .nan), SGD(clipvalue: 0),
    ]
    for optimizer in bad {
      let model = Sequential([Dense(2)])
      #expect(throws: PlexusError.self, "\(optimizer.config)") {
        try model.compile(optimizer: optimizer, loss: MeanSquaredError())
      }
    }
    let adam = Adam()
    adam.learningRate = .nan
    let variable = Variable(try Tensor.ones([2]), name: "w")
    #expect(throws: PlexusError.self) { try adam.apply([try Tensor.ones([2])], to: [variable]) }
    for smoothing in [5, -0.1, .nan, .infinity] {
      let model = Sequential([Dense(2)])
      #expect(throws: PlexusError.self, "\(smoothing)") {
        try model.compile(
          optimizer: "adam", loss: CategoricalCrossentropy(labelSmoothing: smoothing))
      }
      #expect(throws: PlexusError.self) {
        try BinaryCrossentropy(labelSmoothing: smoothing)(
          Tensor.ones([2, 1]), Tensor.ones([2, 1]))
      }
    }
  }

  @Test func setWeightsRefusesAnotherDType() throws {
    let layer = Dense(2)
    _ = try layer(Tensor.ones([1, 3]))
    let wrong = try layer.getWeights().map { try Ops.cast($0, to: .float64) }
    #expect(throws: PlexusError.self) { try layer.setWeights(wrong) }
    try layer.setWeights(layer.getWeights())
  }
}

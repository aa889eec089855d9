import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct BatchNormalizationTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract({ BatchNormalization() }, inputShape: [4, 3], expectedWeights: 4)
        == [])
    #expect(
      try checkLayerContract(
        { BatchNormalization(axis: 1, center: false) }, inputShape: [3, 2, 4], expectedWeights: 3)
        == [])
  }

  @Test func trainingUsesTheBatchAndMovesTheStatistics() throws {
    let layer = BatchNormalization(momentum: 0.5, epsilon: 0)
    let x = try Tensor([1, 10, 3, 30] as [Float], shape: [2, 2])
    // Per feature: means 2 and 20, biased variances 1 and 100.
    #expect(try layer(x, training: true).scalars(Float.self) == [-1, -1, 1, 1])
    #expect(try layer.movingMean?.value.scalars(Float.self) == [1, 10])
    #expect(try layer.movingVariance?.value.scalars(Float.self) == [1, 50.5])
    #expect(layer.nonTrainableWeights.map(\.name) == ["moving_mean", "moving_variance"])
    // Inference reads the moving statistics and leaves them alone.
    #expect(try layer(x).scalars(Float.self) == [0, 0, 2, 20 / Float(50.5).squareRoot()])
    #expect(try layer.movingMean?.value.scalars(Float.self) == [1, 10])
  }

  /// Channels last, training and inference are one `batch_norm` record each on oneDNN, with
  /// the output and the moving statistics of the reference; another axis runs the composite.
  @Test func channelsLastRunsTheFamilyKernel() throws {
    let x = try withRandomSeed(2) { try Ops.randomUniform([4, 3, 5], minval: -2, maxval: 3) }
    for (axis, fused) in [(-1, true), (1, false)] {
      var results: [[Float]] = []
      for backend in ["reference", "onednn"] {
        let layer = BatchNormalization(axis: axis, momentum: 0.9)
        let (values, statistics) = try Dispatcher.recordingStatistics {
          try withBackend(backend) {
            let training = try layer(x, training: true).floats()
            let inference = try layer(x).floats()
            let moving = try [layer.movingMean, layer.movingVariance].flatMap {
              try #require($0).value.floats()
            }
            return training + inference + moving
          }
        }
        results.append(values)
        if backend == "onednn" {
          #expect(statistics.dispatchCount(backend: "onednn", op: .batchNorm) == (fused ? 2 : 0))
        }
      }
      #expect(
        zip(results[0], results[1]).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "axis \(axis)")
    }
  }

  @Test func aFrozenLayerRunsInInferenceModeAsInKeras3() throws {
    let layer = BatchNormalization(epsilon: 0)
    let x = try Tensor([1, 3] as [Float], shape: [2, 1])
    _ = try layer(x)
    layer.trainable = false
    #expect(try layer(x, training: true).scalars(Float.self) == [1, 3])
    #expect(try layer.movingMean?.value.scalars(Float.self) == [0])
  }

  @Test func fitUpdatesTheMovingStatistics() throws {
    let model = Sequential {
      Input(shape: [2])
      BatchNormalization(name: "bn")
      Dense(1)
    }
    try model.compile(optimizer: SGD(learningRate: 0.1), loss: "mse")
    let x = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [3, 2])
    _ = try model.trainOnBatch(x, Tensor.zeros([3, 1]))
    let bn = try #require(model.layers.first as? BatchNormalization)
    // 0.99·0 + 0.01·(3, 4).
    let mean = try #require(bn.movingMean).value.scalars(Float.self)
    #expect(Swift.abs(mean[0] - 0.03) < 1e-6 && Swift.abs(mean[1] - 0.04) < 1e-6)
  }

  @Test func badSettingsNameTheLayer() throws {
    let text = thrownText { try BatchNormalization(axis: 3, name: "bn3")(Tensor.zeros([2, 4])) }
    #expect(text?.contains("'bn3' (BatchNormalization)") == true && text?.contains("axis") == true)
    let epsilon = thrownText {
      try BatchNormalization(epsilon: -1, name: "neg")(Tensor.zeros([2, 4]))
    }
    #expect(epsilon?.contains("'neg' (BatchNormalization)") == true)
    let renorm = thrownText {
      try Layer.fromConfig(serialized(BatchNormalization(), setting: "renorm", to: true))
    }
    #expect(renorm?.contains("BatchNormalization") == true && renorm?.contains("renorm") == true)
  }

  /// Keras's `synchronized` loads and saves (it matters under `DataParallel`; in one process
  /// the batch is the whole batch either way, so training is the same).
  @Test func synchronizedRoundTripsThroughTheConfig() throws {
    let layer = try Layer.fromConfig(
      serialized(BatchNormalization(), setting: "synchronized", to: true))
    let loaded = try #require(layer as? BatchNormalization)
    #expect(loaded.synchronized)
    #expect(loaded.config["synchronized"] == .bool(true))
    #expect(BatchNormalization().config["synchronized"] == .bool(false))
    let x = try Tensor((0..<12).map { Float($0) * 0.5 }, shape: [4, 3])
    let plain = BatchNormalization()
    #expect(try loaded(x, training: true).floats() == plain(x, training: true).floats())
  }
}

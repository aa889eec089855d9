import BackendProtocol
import Plexus
import Testing

/// oneDNN as the frontend sees it: registered as `"onednn"`, the default backend, and running
/// a convolutional network's training step itself.
@Suite struct OneDNNFrontendTests {
  @Test func isRegisteredAndTheDefault() {
    #expect(Config.availableBackends.contains("onednn"))
    #expect(Config.backend == "onednn")
  }

  /// A convolution, pooling and dense step, forward and backward: oneDNN runs the convolution
  /// and pooling families and the products itself; no op it claims falls back.
  @Test func runsAConvolutionalStepItself() throws {
    let x = try withRandomSeed(5) { try Ops.randomUniform([4, 8, 8, 3]) }
    let kernel = try withRandomSeed(6) { try Ops.randomUniform([3, 3, 3, 6]) }
    let dense = try withRandomSeed(7) { try Ops.randomUniform([3 * 3 * 6, 5]) }
    let statistics = try Dispatcher.recordingStatistics {
      try withBackend("onednn") {
        let tape = GradientTape()
        var watched = [x, kernel, dense]
        tape.watch(&watched)
        let y = try tape.record {
          let features = try Ops.relu(Ops.conv2d(watched[0], watched[1]))
          let pooled = try Ops.maxPool2d(features, poolSize: [2])
          let logits = try Ops.matmul(Ops.reshape(pooled, [4, 3 * 3 * 6]), watched[2])
          return try Ops.sum(Ops.softmax(logits))
        }
        _ = try tape.gradient(of: y, wrt: watched)
      }
    }.1
    for op in [
      OpCode.conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .maxPool2d, .maxPool2dGradient,
      .softmax,
    ] {
      #expect(statistics.dispatchCount(backend: "onednn", op: op) == 1, "\(op)")
    }
    #expect(statistics.dispatchCount(backend: "onednn", op: .matmul) == 3)
    // The registered instance is the one the dispatcher ran.
    let onednn = try BackendRegistry.shared.backend(named: "onednn")
    for op in OpCode.allCases where onednn.supports(op, .float32) {
      #expect(statistics.fallbackCount(backend: "onednn", op: op) == 0, "\(op)")
    }
  }

  /// The CNN, one `fit` step in strict mode (where a fallback is an error): every op
  /// of the step — the fused convolutions and dense layers, pooling, both convolution
  /// gradients, the activation gradients, the loss and Adam — runs on oneDNN.
  @Test func aCNNTrainingStepRunsEntirelyOnOneDNNInStrictMode() throws {
    let model = Sequential {
      Input(shape: [28, 28])
      Reshape([28, 28, 1])
      Conv2D(32, kernelSize: 3, activation: .relu)
      MaxPooling2D(poolSize: 2)
      Conv2D(64, kernelSize: 3, activation: .relu)
      MaxPooling2D(poolSize: 2)
      Flatten()
      Dense(128, activation: .relu)
      Dense(10)
    }
    try model.compile(
      optimizer: Adam(learningRate: 1e-3),
      loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])
    model.backend = "onednn"
    let x = try withRandomSeed(11) { try Ops.randomUniform([16, 28, 28]) }
    let y = try Tensor((0..<16).map { Int32($0 % 10) }, shape: [16])
    let (_, statistics) = try Dispatcher.recordingStatistics {
      try Dispatcher.withStrictMode {
        try model.fit(x, y, batchSize: 16, epochs: 1, verbose: 0)
      }
    }
    #expect(statistics.fallbackCount(backend: "onednn") == 0)
    #expect(statistics.dispatchCount(backend: "reference") == 0)
    let expected: [(OpCode, Int)] = [
      (.conv2dBiasActivation, 2), (.maxPool2d, 2), (.dense, 2), (.conv2dBackwardFilter, 2),
      // The first convolution's input is data: no gradient to compute.
      (.conv2dBackwardInput, 1), (.maxPool2dGradient, 2), (.activationGradient, 3),
      (.matmul, 4), (.adamUpdate, 1), (.sparseSoftmaxCrossEntropy, 1),
    ]
    for (op, count) in expected {
      #expect(statistics.dispatchCount(backend: "onednn", op: op) == count, "\(op)")
    }
  }
}

import Plexus
import Testing

@Suite struct RegularizerTests {
  let x: Tensor

  init() throws { x = try Tensor([Float(1), -2, 3, -4], shape: [2, 2]) }

  @Test func penaltiesFollowKerasFormulas() throws {
    // sum|x| = 10, sum x² = 30.
    #expect(try L1(0.1)(x).item() == Double(Float(0.1) * 10))
    #expect(abs(try L2(0.01)(x).item() - 0.3) < 1e-6)
    #expect(abs(try L1L2(l1: 0.1, l2: 0.01)(x).item() - 1.3) < 1e-6)
    #expect(try L1L2()(x).item() == 0)
  }

  @Test func negativeFactorsAreRefused() {
    #expect { _ = try L2(-1)(x) } throws: { "\($0)".contains("l2") }
  }

  @Test func denseReportsItsPenaltiesAsLosses() throws {
    let dense = Dense(
      2, kernelInitializer: .ones, biasInitializer: .constant(0.5), kernelRegularizer: L2(0.1),
      biasRegularizer: L1(1), activityRegularizer: L2(0.01))
    #expect(try dense.losses.isEmpty)
    let output = try dense(Tensor.ones([4, 3]))
    let losses = try dense.losses.map { try $0.item() }
    // Kernel: 0.1 · 6 ones; bias: |0.5| · 2; activity: 0.01 · sum(3.5²) over 4×2 / batch 4.
    #expect(losses.count == 3)
    #expect(abs(losses[0] - 0.6) < 1e-6)
    #expect(abs(losses[1] - 1.0) < 1e-6)
    #expect(abs(losses[2] - 0.01 * 3.5 * 3.5 * 8 / 4) < 1e-5)
    #expect(output.shape == [4, 2])
  }

  @Test func modelLossIncludesRegularizationAndShrinksWeights() throws {
    func model(_ regularizer: (any Regularizer)?) -> Sequential {
      Sequential {
        Input(shape: [3])
        Dense(1, kernelInitializer: .ones, kernelRegularizer: regularizer)
      }
    }
    let x = try Tensor.zeros([4, 3])
    let y = try Tensor.zeros([4, 1])
    let plain = model(nil)
    let regularized = model(L2(0.5))
    for candidate in [plain, regularized] {
      try candidate.compile(optimizer: SGD(learningRate: 0.1), loss: MeanSquaredError())
    }
    // Zero inputs: the data loss is 0, so only the penalty (0.5 · 3) shows and moves weights.
    let plainLogs = try plain.trainOnBatch(x, y)
    let regularizedLogs = try regularized.trainOnBatch(x, y)
    #expect(plainLogs["loss"] == 0)
    #expect(abs((regularizedLogs["loss"] ?? 0) - 1.5) < 1e-6)
    // d(0.5 · sum w²)/dw = w = 1, so each weight becomes 1 - 0.1.
    let kernel = try #require((regularized.layers.first as? Dense)?.kernel?.value)
    #expect(try kernel.scalars(Float.self).allSatisfy { abs($0 - 0.9) < 1e-6 })
    let untouched = try #require((plain.layers.first as? Dense)?.kernel?.value)
    #expect(try untouched.scalars(Float.self) == [1, 1, 1])
  }
}

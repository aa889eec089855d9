import Testing

@testable import Plexus

/// `Model.metricsNames`: the names `evaluate` logs, in the order of Keras's `evaluate` list
/// (which the C ABI's logs and so Python's list follow), with Keras's `_1` for a repeated name.
@Suite struct MetricsNamesTests {
  @Test func singleOutputNamesFollowTheCompileOrder() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(1, kernelInitializer: .zeros)
    }
    #expect(model.metricsNames.isEmpty)
    try model.compile(
      optimizer: SGD(), loss: MeanSquaredError(),
      metrics: [RootMeanSquaredError(), Metrics.MeanAbsoluteError(name: "mae")])
    #expect(model.metricsNames == ["loss", "root_mean_squared_error", "mae"])
  }

  /// Two `AUC()`s log `auc` and `auc_1`, each its own value, as in Keras (the second one used
  /// to overwrite the first).
  @Test func repeatedNamesGetKerasSuffixes() throws {
    let model = withRandomSeed(3) {
      Sequential {
        Input(shape: [3])
        Dense(1, activation: .sigmoid)
      }
    }
    try model.compile(
      optimizer: SGD(), loss: BinaryCrossentropy(), metrics: [AUC(), AUC(curve: .pr)])
    #expect(model.metricsNames == ["loss", "auc", "auc_1"])
    let x = try withRandomSeed(4) { try Ops.randomNormal([40, 3]) }
    let y = try Ops.cast(
      Ops.greater(Ops.slice(x, starts: [0, 0], sizes: [40, 1]), Tensor.scalar(0)), to: .float32)
    let logs = try model.evaluate(x, y, verbose: 0)
    let (roc, pr) = try (#require(logs["auc"]), #require(logs["auc_1"]))
    #expect(roc != pr)
  }

  @Test func severalOutputsListTheirLossesInOutputOrder() throws {
    let input = Input(shape: [2], name: "x")
    let zeta = try Dense(1, name: "zeta")(input)
    let alpha = try Dense(1, name: "alpha")(input)
    let model = try Model(inputs: [input], outputs: [zeta, alpha])
    try model.compile(
      optimizer: SGD(), loss: [MeanSquaredError(), MeanSquaredError()], metrics: ["mae"])
    #expect(
      model.metricsNames == ["loss", "zeta_loss", "alpha_loss", "zeta_mae", "alpha_mae"])
  }
}

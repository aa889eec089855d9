import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct LayerNormalizationTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract({ LayerNormalization() }, inputShape: [2, 3, 4], expectedWeights: 2)
        == [])
    #expect(
      try checkLayerContract(
        { LayerNormalization(axis: [1, 2], scale: false) }, inputShape: [2, 3, 4],
        expectedWeights: 1) == [])
  }

  @Test func normalizesEachExampleAlone() throws {
    let layer = LayerNormalization(epsilon: 0, gammaInitializer: .constant(2))
    let x = try Tensor([1, 3, 10, 30] as [Float], shape: [2, 2])
    #expect(try layer(x).scalars(Float.self) == [-2, 2, -2, 2])
    #expect(try layer(x, training: true).scalars(Float.self) == [-2, 2, -2, 2])
  }

  /// The last axes, one or several, are one `layer_norm` record on oneDNN; other axes run the
  /// composite's primitives. Both agree with the reference.
  @Test func theLastAxesRunTheFamilyKernel() throws {
    let x = try withRandomSeed(1) { try Ops.randomUniform([2, 3, 4]) }
    for (axis, fused) in [([-1], true), ([1, 2], true), ([1], false)] {
      let layer = LayerNormalization(axis: axis, gammaInitializer: .constant(1.5))
      let expected = try withBackend("reference") { try layer(x).floats() }
      let (actual, statistics) = try Dispatcher.recordingStatistics {
        try withBackend("onednn") { try layer(x).floats() }
      }
      #expect(statistics.dispatchCount(backend: "onednn", op: .layerNorm) == (fused ? 1 : 0))
      #expect(
        zip(actual, expected).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "axis \(axis)")
    }
  }

  @Test func writesAxisAsKerasDoes() throws {
    let layer = LayerNormalization()
    #expect(layer.config["axis"] == .int(-1))
    _ = try layer(Tensor.zeros([2, 3]))
    #expect(layer.config["axis"] == [-1])
    #expect(LayerNormalization(axis: [2, 1]).config["axis"] == [2, 1])
    let built = LayerNormalization(axis: [2, 1])
    _ = try built(Tensor.zeros([1, 2, 3]))
    #expect(built.config["axis"] == [1, 2])
    #expect(built.gamma?.shape == [2, 3])
  }

  @Test func badSettingsNameTheLayer() throws {
    let text = thrownText { try LayerNormalization(axis: [0], name: "ln")(Tensor.zeros([2, 4])) }
    #expect(text?.contains("'ln' (LayerNormalization)") == true && text?.contains("axis") == true)
    let repeated = thrownText {
      try LayerNormalization(axis: [1, -1], name: "twice")(Tensor.zeros([2, 4]))
    }
    #expect(repeated?.contains("'twice' (LayerNormalization)") == true)
    let rms = thrownText {
      try Layer.fromConfig(serialized(LayerNormalization(), setting: "rms_scaling", to: true))
    }
    #expect(rms?.contains("rms_scaling") == true)
  }
}

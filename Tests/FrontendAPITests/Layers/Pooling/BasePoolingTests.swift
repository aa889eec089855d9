import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct BasePoolingTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ MaxPooling2D() }, inputShape: [2, 4, 5, 3], expectedWeights: 0)
        == [])
    #expect(
      try checkLayerContract(
        { AveragePooling2D(poolSize: 3, strides: 2, padding: .same) }, inputShape: [1, 5, 5, 2],
        expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { MaxPooling1D(poolSize: 3, strides: 1) }, inputShape: [2, 6, 2], expectedWeights: 0)
        == [])
    #expect(
      try checkLayerContract(
        { AveragePooling1D(padding: .same) }, inputShape: [2, 5, 2], expectedWeights: 0) == [])
  }

  @Test func poolByHand() throws {
    let x = try Tensor([1, 5, 2, 6, 3, 7, 4, 8] as [Float], shape: [1, 2, 4, 1])
    #expect(try MaxPooling2D()(x).scalars(Float.self) == [7, 8])
    #expect(try AveragePooling2D()(x).scalars(Float.self) == [4, 5])
    let sequence = try Tensor([1, 5, 2, 6, 3] as [Float], shape: [1, 5, 1])
    #expect(try MaxPooling1D()(sequence).scalars(Float.self) == [5, 6])
    #expect(try AveragePooling1D(padding: .same)(sequence).scalars(Float.self) == [3, 4, 3])
  }

  @Test func stridesDefaultToThePoolSize() {
    #expect(MaxPooling2D(poolSize: [2, 3]).strides == [2, 3])
    #expect(AveragePooling1D(poolSize: 4).strides == [4])
    #expect(MaxPooling2D(poolSize: 3, strides: 1).strides == [1, 1])
  }

  @Test func badArgumentsNameTheLayer() throws {
    let x = try Tensor.zeros([1, 4, 4, 2])
    for (layer, word) in [
      (MaxPooling2D(poolSize: 0, name: "p0"), "pool_size"),
      (MaxPooling2D(poolSize: [2, 2, 2], name: "p1"), "pool_size"),
      (AveragePooling2D(strides: [0, 1], name: "p2"), "strides"),
      (MaxPooling2D(padding: .causal, name: "p3"), "padding"),
    ] as [(BasePooling, String)] {
      let text = thrownText { try layer(x) }
      #expect(text?.contains("'\(layer.name)'") == true && text?.contains(word) == true)
    }
    let rank = thrownText { try MaxPooling1D(name: "m1")(x) }
    #expect(rank?.contains("'m1' (MaxPooling1D)") == true)
    let first = thrownText {
      try Layer.fromConfig(serialized(MaxPooling2D(), setting: "data_format", to: "channels_first"))
    }
    #expect(first?.contains("MaxPooling2D") == true)
  }

  @Test func writeNoBuildConfigAsKerasDoes() throws {
    let layer = AveragePooling2D()
    _ = try layer(Tensor.zeros([1, 4, 4, 1]))
    #expect(layer.serialized.buildConfig == nil)
  }
}

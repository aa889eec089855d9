import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct BaseGlobalPoolingTests {
  @Test func keepTheLayerContract() throws {
    for make in [
      { GlobalAveragePooling2D() }, { GlobalMaxPooling2D(keepdims: true) },
      { GlobalAveragePooling1D(keepdims: true) }, { GlobalMaxPooling1D() },
    ] as [() -> BaseGlobalPooling] {
      let shape: Shape = make().rank == 2 ? [2, 3, 4, 2] : [2, 5, 3]
      #expect(try checkLayerContract(make, inputShape: shape, expectedWeights: 0) == [])
    }
  }

  @Test func reduceEverySpatialAxis() throws {
    let x = try Tensor([1, 2, 3, 4, 5, 6, 7, 8] as [Float], shape: [1, 2, 2, 2])
    #expect(try GlobalAveragePooling2D()(x).scalars(Float.self) == [4, 5])
    #expect(try GlobalMaxPooling2D()(x).scalars(Float.self) == [7, 8])
    #expect(try GlobalMaxPooling2D(keepdims: true)(x).shape == [1, 1, 1, 2])
    let sequence = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [1, 3, 2])
    #expect(try GlobalAveragePooling1D()(sequence).scalars(Float.self) == [3, 4])
    #expect(try GlobalMaxPooling1D(keepdims: true)(sequence).shape == [1, 1, 2])
  }

  @Test func wrongRankNamesTheLayer() throws {
    let text = thrownText { try GlobalAveragePooling2D(name: "gap")(Tensor.zeros([2, 3, 4])) }
    #expect(text?.contains("'gap' (GlobalAveragePooling2D)") == true)
  }
}

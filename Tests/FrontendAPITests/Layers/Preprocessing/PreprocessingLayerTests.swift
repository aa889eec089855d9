import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct PreprocessingLayerTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ Rescaling(0.5, offset: 1) }, inputShape: [2, 3], expectedWeights: 0)
        == [])
    #expect(
      try checkLayerContract(
        { Normalization(mean: [1, 2, 3], variance: [1, 4, 9]) }, inputShape: [2, 3],
        expectedWeights: 0) == [])
    #expect(
      try checkLayerContract({ Normalization() }, inputShape: [2, 3], expectedWeights: 3) == [])
  }

  @Test func rescalingScalesAndShifts() throws {
    let y = try Rescaling(1.0 / 255)(Tensor([0, 255] as [UInt8], shape: [1, 2]))
    #expect(y.dtype == .float32)
    #expect(try y.floats() == [0, 1])
    #expect(thrownText { try Rescaling(.nan)(Tensor.ones([1])) }?.contains("Rescaling") == true)
  }

  @Test func normalizationAdaptsAndInverts() throws {
    let data = try Tensor([1, 10, 3, 30] as [Float], shape: [2, 2])
    let layer = Normalization()
    try layer.adapt(data)
    #expect(try layer.mean?.value.floats() == [2, 20])
    #expect(try layer.variance?.value.floats() == [1, 100])
    #expect(layer.trainableWeights.isEmpty && layer.nonTrainableWeights.count == 3)
    #expect(try layer(data).floats() == [-1, -1, 1, 1])
    let inverse = Normalization(mean: [2, 20], variance: [1, 100], invert: true)
    #expect(
      try inverse(Tensor([-1, -1, 1, 1] as [Float], shape: [2, 2])).floats() == [1, 10, 3, 30])
  }

  @Test func badSettingsAreErrorsNamingTheLayer() throws {
    let x = try Tensor.ones([2, 3])
    #expect(thrownText { try Normalization(axis: [5])(x) }?.contains("Normalization") == true)
    #expect(thrownText { try Normalization(axis: [Int.min])(x) }?.contains("Normalization") == true)
    #expect(
      thrownText { try Normalization(mean: [1, 2], variance: [1, 1])(x) }?.contains("Normalization")
        == true)
    #expect(
      thrownText { try Normalization(mean: [.nan], variance: [1])(x) }?.contains("Normalization")
        == true)
    #expect(
      thrownText { try Normalization(mean: [0], variance: [-1])(x) }?.contains("Normalization")
        == true)
    let adapted = Normalization()
    _ = try adapted(x)
    let mismatch = thrownText { try adapted.adapt(Tensor.ones([2, 4])) }
    #expect(mismatch?.contains("Normalization") == true, "\(mismatch ?? "-")")
    #expect(thrownText { try Normalization(mean: [0], variance: [1]).adapt(x) } != nil)
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct MaskingTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ Masking() }, inputShape: [2, 3, 4], expectedWeights: 0) == [])
  }

  @Test func zeroesMaskedStepsAndReportsTheMask() throws {
    let x = try Tensor([1, 2, 0, 0, 0, 3] as [Float], shape: [1, 3, 2])
    let layer = Masking()
    #expect(try layer(x).floats() == [1, 2, 0, 0, 0, 3])
    let mask = try #require(try layer.computeMask(x))
    #expect(mask.shape == [1, 3])
    #expect(try mask.cast(to: .float32).floats() == [1, 0, 1])
    let other = try Masking(maskValue: 2)(Tensor([2, 2, 1, 2] as [Float], shape: [1, 2, 2]))
    #expect(try other.floats() == [0, 0, 1, 2])
  }

  @Test func aNaNMaskValueIsAnError() {
    let text = thrownText { try Masking(maskValue: .nan)(Tensor.ones([1, 2, 2])) }
    #expect(text?.contains("Masking") == true)
  }
}

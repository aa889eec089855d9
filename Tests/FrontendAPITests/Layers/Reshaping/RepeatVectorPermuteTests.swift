import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct RepeatVectorPermuteTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ RepeatVector(3) }, inputShape: [2, 4], expectedWeights: 0) == [])
    #expect(
      try checkLayerContract({ Permute([2, 1]) }, inputShape: [2, 3, 4], expectedWeights: 0) == [])
  }

  @Test func repeatAndPermute() throws {
    let x = try Tensor([1, 2] as [Float], shape: [1, 2])
    #expect(try RepeatVector(2)(x).floats() == [1, 2, 1, 2])
    let y = try Permute([2, 1])(Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [1, 2, 3]))
    #expect(y.shape == [1, 3, 2])
    #expect(try y.floats() == [1, 4, 2, 5, 3, 6])
  }

  @Test func badSettingsAreErrorsNamingTheLayer() throws {
    for n in [0, -1, Int.max] {
      let text = thrownText { try RepeatVector(n)(Tensor.ones([1, 4])) }
      #expect(text?.contains("RepeatVector") == true, "n \(n): \(text ?? "-")")
    }
    #expect(
      thrownText { try RepeatVector(2)(Tensor.ones([1, 2, 2])) }?.contains("RepeatVector") == true)
    for dims in [[1, 1], [0, 1], [2, 3], [], [Int.max, 1]] {
      let text = thrownText { try Permute(dims)(Tensor.ones([1, 2, 3])) }
      #expect(text?.contains("Permute") == true, "\(dims): \(text ?? "-")")
    }
  }
}

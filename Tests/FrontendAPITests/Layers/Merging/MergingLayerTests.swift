import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct MergingLayerTests {
  @Test func keepTheLayerContract() throws {
    let makers: [() -> Layer] = [
      { Multiply() }, { Subtract() }, { Average() }, { Maximum() }, { Minimum() },
    ]
    for make in makers {
      #expect(
        try checkLayerContract(make, inputShapes: [[2, 3], [2, 3]], expectedWeights: 0) == [])
    }
    #expect(
      try checkLayerContract({ Dot(axes: 1) }, inputShapes: [[2, 3], [2, 3]], expectedWeights: 0)
        == [])
    #expect(
      try checkLayerContract(
        { Dot(axes: [2, 2], normalize: true) }, inputShapes: [[2, 3, 4], [2, 5, 4]],
        expectedWeights: 0) == [])
  }

  @Test func combineElementwise() throws {
    let a = try Tensor([1, 5, -2] as [Float], shape: [1, 3])
    let b = try Tensor([3, 1, 4] as [Float], shape: [1, 3])
    #expect(try Multiply()([a, b]).floats() == [3, 5, -8])
    #expect(try Subtract()([a, b]).floats() == [-2, 4, -6])
    #expect(try Average()([a, b]).floats() == [2, 3, 1])
    #expect(try Maximum()([a, b]).floats() == [3, 5, 4])
    #expect(try Minimum()([a, b]).floats() == [1, 1, -2])
    #expect(try Dot(axes: -1)([a, b]).floats() == [0])
  }

  @Test func wrongInputsAreErrorsNamingTheLayer() throws {
    let x = try Tensor.ones([2, 3])
    #expect(thrownText { try Subtract()([x, x, x]) }?.contains("exactly 2") == true)
    #expect(thrownText { try Multiply()([x]) }?.contains("Multiply") == true)
    let text = thrownText { try Maximum()([x, Tensor.ones([2, 4])]) }
    #expect(text?.contains("Maximum") == true && text?.contains("(2, 4)") == true, "\(text ?? "-")")
    #expect(thrownText { try Dot(axes: 1)([x, Tensor.ones([2, 4])]) }?.contains("Dot") == true)
    for axes in [[Int.max, 1], [0, 0], [1, 2, 3]] {
      #expect(thrownText { try Dot(axes: axes)([x, x]) }?.contains("Dot") == true, "\(axes)")
    }
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct MergingTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ Add() }, inputShapes: [[2, 3], [2, 3]], expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { Concatenate() }, inputShapes: [[2, 3], [2, 5]], expectedWeights: 0)
        == [])
  }

  @Test func addSumsItsInputs() throws {
    let a = try Tensor([1, 2] as [Float], shape: [1, 2])
    let b = try Tensor([10, 20] as [Float], shape: [1, 2])
    #expect(try Add()([a, b]).scalars(Float.self) == [11, 22])
  }

  @Test func concatenateJoinsTheLastAxis() throws {
    let a = try Tensor.zeros([2, 3])
    let b = try Tensor.ones([2, 4])
    #expect(try Concatenate()([a, b]).shape == [2, 7])
  }

  @Test func addRejectsMismatchedShapes() throws {
    #expect(throws: PlexusError.self) { try Add()([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])]) }
    #expect(throws: PlexusError.self) { try Add()([Tensor.zeros([2, 3])]) }
  }
}

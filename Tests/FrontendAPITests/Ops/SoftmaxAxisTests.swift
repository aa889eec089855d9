import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct SoftmaxAxisTests {
  @Test func softmaxOverTheFirstAxisNormalisesColumns() throws {
    let x = try Tensor([1, 2, 3, 1, 4, 9] as [Double], shape: [2, 3])
    let y = try Ops.softmax(x, axis: 0)
    let sums = try Ops.sum(y, axes: [0]).scalars(Double.self)
    #expect(sums.allSatisfy { abs($0 - 1) < 1e-12 })
    let expected = try Ops.transpose(Ops.softmax(Ops.transpose(x))).scalars(Double.self)
    #expect(try y.scalars(Double.self) == expected)
  }

  @Test func theLastAxisGivesTheSameAsTheKernel() throws {
    let x = try sampleTensor([2, 3, 4], seed: 3)
    #expect(try Ops.softmax(x, axis: -1).scalars(Double.self) == Ops.softmax(x).scalars())
    #expect(try Ops.softmax(x, axis: 2).scalars(Double.self) == Ops.softmax(x).scalars())
  }

  @Test func logSoftmaxIsTheLogOfSoftmaxOnAMiddleAxis() throws {
    let x = try sampleTensor([2, 3, 4], seed: 4)
    let log = try Ops.logSoftmax(x, axis: 1).scalars(Double.self)
    let reference = try Ops.log(Ops.softmax(x, axis: 1)).scalars(Double.self)
    #expect(zip(log, reference).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test func gradientsAlongAnAxisMatchFiniteDifferences() throws {
    let x = try sampleTensor([3, 4], seed: 5)
    let problems =
      try checkGradients(of: { try Ops.softmax($0[0], axis: 0) }, at: [x])
      + checkGradients(of: { try Ops.logSoftmax($0[0], axis: -2) }, at: [x])
    #expect(problems == [])
  }

  @Test func anAxisOutOfRangeThrows() throws {
    let x = try Tensor.zeros([2, 3])
    #expect(throws: PlexusError.self) { try Ops.softmax(x, axis: 2) }
    #expect(throws: PlexusError.self) { try Ops.logSoftmax(x, axis: -3) }
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

/// Gradients where naive rules go wrong: products with zeros, and matrix products of vectors
/// or with batch axes broadcast on both sides. Checked against finite differences in float64.
@Suite struct GradientEdgeCaseTests {
  @Test func prodGradientAtZeros() throws {
    // One zero in the first row (its gradient is the product of the others), two in the
    // second (every gradient is 0), none in the third.
    let x = try Tensor([2, 0, 3, 0, 5, 0, 1.5, 2, -1] as [Double], shape: [3, 3])
    let tape = GradientTape()
    var watched = x
    tape.watch(&watched)
    let y = try tape.record { try Ops.sum(Ops.prod(watched, axes: [1])) }
    let grad = try #require(try tape.gradient(of: y, wrt: [watched])[0])
    #expect(try grad.scalars(Double.self) == [0, 6, 0, 0, 0, 0, -2, -1.5, 3])
    let problems = try checkGradients(of: { try Ops.prod($0[0], axes: [1]) }, at: [x])
    #expect(problems == [])
  }

  @Test func prodGradientOverAllAxesWithOneZero() throws {
    let x = try Tensor([1.5, 0, -2, 4] as [Double], shape: [2, 2])
    let problems = try checkGradients(of: { try Ops.prod($0[0]) }, at: [x])
    #expect(problems == [])
  }

  @Test func oneDimensionalMatmulGradients() throws {
    let v = try sampleTensor([4], seed: 31)
    let w = try sampleTensor([4], seed: 32)
    let m = try sampleTensor([4, 3], seed: 33)
    let n = try sampleTensor([2, 4], seed: 34)
    let problems =
      try checkGradients(of: { try Ops.matmul($0[0], $0[1]) }, at: [v, w])
      + checkGradients(of: { try Ops.matmul($0[0], $0[1]) }, at: [v, m])
      + checkGradients(of: { try Ops.matmul($0[0], $0[1]) }, at: [n, v])
    #expect(problems == [])
  }

  @Test func doublyBroadcastBatchMatmulGradients() throws {
    let a = try sampleTensor([2, 1, 3, 4], seed: 35)
    let b = try sampleTensor([1, 3, 4, 2], seed: 36)
    let problems = try checkGradients(of: { try Ops.matmul($0[0], $0[1]) }, at: [a, b])
    #expect(problems == [])
    let transposed = try sampleTensor([3, 2, 4], seed: 37)
    let problemsT = try checkGradients(
      of: { try Ops.matmul($0[0], $0[1], transposeB: true) }, at: [a, transposed])
    #expect(problemsT == [])
  }

  @Test func softmaxAlongAnyAxis() throws {
    let x = try sampleTensor([3, 4, 2], in: -2...2, seed: 38)
    for axis in [0, 1, -1] {
      let problems =
        try checkGradients(of: { try Ops.softmax($0[0], axis: axis) }, at: [x])
        + checkGradients(of: { try Ops.logSoftmax($0[0], axis: axis) }, at: [x])
      #expect(problems == [], "axis \(axis)")
      let sums = try Ops.sum(Ops.softmax(x, axis: axis), axes: [axis]).scalars(Double.self)
      #expect(sums.allSatisfy { Swift.abs($0 - 1) < 1e-12 })
    }
  }
}

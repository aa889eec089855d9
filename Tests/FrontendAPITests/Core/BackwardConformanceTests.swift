import PlexusTestSupport
import Testing

@testable import Plexus

/// Forward and backward through the ops OpenBLAS runs itself, against the reference backend.
@Suite struct BackwardConformanceTests {
  static func cases() throws -> [GradientCase] {
    func sample(_ shape: Shape, _ seed: UInt64) throws -> Tensor {
      try withRandomSeed(seed) { try Ops.randomUniform(shape, minval: -1, maxval: 1) }
    }
    let labels = try Tensor([0, 2, 1, 2, 0] as [Int32], shape: [5])
    return [
      GradientCase("matmul", [try sample([5, 7], 1), try sample([7, 3], 2)]) {
        try Ops.matmul($0[0], $0[1])
      },
      GradientCase("matmul aᵀ·bᵀ", [try sample([7, 5], 3), try sample([3, 7], 4)]) {
        try Ops.matmul($0[0], $0[1], transposeA: true, transposeB: true)
      },
      GradientCase(
        "batched matmul, shared right", [try sample([2, 5, 4], 5), try sample([4, 3], 6)]
      ) { try Ops.matmul($0[0], $0[1]) },
      GradientCase("vector·matrix", [try sample([4], 7), try sample([4, 6], 8)]) {
        try Ops.matmul($0[0], $0[1])
      },
      GradientCase(
        "dense layer with softmax cross-entropy",
        [try sample([5, 4], 9), try sample([4, 3], 10), try sample([3], 11)]
      ) {
        let logits = try Ops.add(Ops.relu(Ops.matmul($0[0], $0[1])), $0[2])
        return try SparseCategoricalCrossentropy(fromLogits: true)(labels, logits)
      },
    ]
  }

  @Test func openBLASAgreesWithTheReferenceForwardAndBackward() throws {
    #expect(try checkGradientConformance(backend: "openblas", cases: Self.cases()) == [])
  }

  @Test func theCheckCatchesABackendThatRunsNothing() throws {
    let problems = try checkGradientConformance(
      backend: "reference",
      cases: [GradientCase("square", [try Tensor([1, 2] as [Float])]) { try Ops.square($0[0]) }])
    #expect(problems.isEmpty)
    let onOpenBLAS = try checkGradientConformance(
      backend: "openblas",
      cases: [GradientCase("square", [try Tensor([1, 2] as [Float])]) { try Ops.square($0[0]) }])
    #expect(onOpenBLAS == ["square: openblas ran none of the ops"])
  }
}

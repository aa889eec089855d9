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

  /// Convolutions through OpenBLAS's im2col kernels against the composite on the reference
  /// backend: groups, strides, dilation, both paddings, and batches that span several chunks.
  static func convolutionCases() throws -> [GradientCase] {
    func sample(_ shape: Shape, _ seed: UInt64) throws -> Tensor {
      try withRandomSeed(seed) { try Ops.randomUniform(shape, minval: -1, maxval: 1) }
    }
    let settings: [(String, Shape, Shape, [Int], Padding, [Int])] = [
      ("3x3 valid", [2, 6, 7, 3], [3, 3, 3, 4], [1], .valid, [1]),
      ("strided same", [3, 7, 5, 2], [3, 2, 2, 5], [2, 1], .same, [1]),
      ("two groups", [2, 6, 6, 4], [2, 2, 2, 6], [2], .valid, [1]),
      ("depthwise same", [1, 8, 7, 3], [3, 3, 1, 6], [1], .same, [1]),
      ("dilated", [1, 9, 9, 2], [3, 3, 2, 2], [1], .same, [2]),
      ("many chunks", [9, 13, 13, 4], [3, 3, 4, 8], [1], .valid, [1]),
      ("1x1 on a row", [4, 1, 6, 5], [1, 1, 5, 3], [1], .valid, [1]),
    ]
    return try settings.enumerated().map { index, setting in
      let (name, input, kernel, strides, padding, dilation) = setting
      return GradientCase(
        "conv2d \(name)", [try sample(input, UInt64(20 + index)), try sample(kernel, 40)]
      ) { try Ops.conv2d($0[0], $0[1], strides: strides, padding: padding, dilationRate: dilation) }
    }
  }

  @Test func openBLASConvolutionAgreesWithTheComposite() throws {
    #expect(
      try checkGradientConformance(backend: "openblas", cases: Self.convolutionCases()) == [])
  }

  /// A convolution's forward and both backward passes run on OpenBLAS itself, one kernel each
  /// (no composite).
  @Test func openBLASRunsTheWholeConvolutionFamily() throws {
    let x = try withRandomSeed(5) { try Ops.randomUniform([2, 5, 5, 3]) }
    let kernel = try withRandomSeed(6) { try Ops.randomUniform([3, 3, 3, 4]) }
    let statistics = try Dispatcher.recordingStatistics {
      try withBackend("openblas") {
        let tape = GradientTape()
        var watched = [x, kernel]
        tape.watch(&watched)
        let y = try tape.record { try Ops.sum(Ops.conv2d(watched[0], watched[1])) }
        _ = try tape.gradient(of: y, wrt: watched)
      }
    }.1
    for op in [OpCode.conv2d, .conv2dBackwardInput, .conv2dBackwardFilter] {
      #expect(statistics.dispatchCount(backend: "openblas", op: op) == 1, "\(op)")
    }
    #expect(statistics.dispatchCount(backend: "openblas", op: .gather) == 0)
    #expect(statistics.dispatchCount(backend: "reference", op: .gather) == 0)
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

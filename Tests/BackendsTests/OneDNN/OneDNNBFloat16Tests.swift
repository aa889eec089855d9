import BackendProtocol
import Plexus
import PlexusOneDNN
import Testing

/// oneDNN's bfloat16 kernels (products, the fused dense kernel, the convolution family) as the
/// frontend reaches them. Their agreement with the reference, computing in float32 and
/// rounding once, is the conformance suite's (`OneDNNConformanceTests`); these check what the
/// suite cannot see: which kernels run, and that the fused dense kernel rounds as the ops it
/// replaces.
@Suite(.enabled(if: OneDNNBackend.computesBFloat16, "this CPU has no avx512_core_bf16"))
struct OneDNNBFloat16Tests {
  private static func bfloat16(_ shape: [Int], seed: UInt64) throws -> Tensor {
    try withRandomSeed(seed) { try Ops.cast(Ops.randomNormal(Shape(shape)), to: .bfloat16) }
  }

  /// `dense` on bfloat16 operands equals `matmul`, `add` and `relu` run one by one, bit for
  /// bit: the kernel rounds the product, then the biased sum, as those ops do. The product is
  /// large enough to be cut into parts.
  @Test(arguments: [FusedActivation.linear, .relu])
  func denseRoundsAsTheUnfusedOps(activation: FusedActivation) throws {
    let x = try Self.bfloat16([64, 300], seed: 1)
    let kernel = try Self.bfloat16([300, 70], seed: 2)
    let bias = try Self.bfloat16([70], seed: 3)
    let (fused, unfused) = try withBackend("onednn") {
      (
        try Ops.dense(x, kernel, bias: bias, activation: activation),
        try Ops.denseComposite(x, kernel, bias: bias, activation: activation)
      )
    }
    #expect(fused.dtype == .bfloat16)
    #expect(try fused.floats() == unfused.floats())
    // And both are the float32 product rounded: within bfloat16's precision of it.
    let wide = try Ops.denseComposite(
      Ops.cast(x, to: .float32), Ops.cast(kernel, to: .float32),
      bias: Ops.cast(bias, to: .float32), activation: activation)
    for (got, want) in zip(try fused.floats(), try wide.floats()) {
      #expect(Swift.abs(got - want) <= 0x1p-6 * Swift.max(1, Swift.abs(want)))
    }
  }

  /// A convolutional training step on bfloat16 operands runs the convolutions and products on
  /// oneDNN's bfloat16 kernels (no float32 stand-in, no fallback), and its gradients are
  /// those of the float32 step within bfloat16's precision.
  @Test func convolutionStepRunsInBFloat16() throws {
    let x = try Self.bfloat16([4, 9, 9, 3], seed: 4)
    let kernel = try Self.bfloat16([3, 3, 3, 8], seed: 5)
    let dense = try Self.bfloat16([7 * 7 * 8, 5], seed: 6)
    func step(_ operands: [Tensor]) throws -> [Tensor] {
      let tape = GradientTape()
      var watched = operands
      tape.watch(&watched)
      let y = try tape.record {
        let features = try Ops.conv2d(watched[0], watched[1])
        let logits = try Ops.matmul(Ops.reshape(features, [4, 7 * 7 * 8]), watched[2])
        return try Ops.sum(Ops.cast(logits, to: .float32))
      }
      return try tape.gradient(of: y, wrt: watched).map { try #require($0) }
    }
    let (gradients, statistics) = try Dispatcher.recordingStatistics {
      try withBackend("onednn") { try step([x, kernel, dense]) }
    }
    for op in [OpCode.conv2d, .conv2dBackwardInput, .conv2dBackwardFilter] {
      #expect(statistics.dispatchCount(backend: "onednn", op: op) == 1, "\(op)")
    }
    #expect(statistics.dispatchCount(backend: "onednn", op: .matmul) == 3)
    #expect(statistics.fallbackCount(backend: "onednn") == 0)
    #expect(gradients.allSatisfy { $0.dtype == .bfloat16 })
    let wide = try withBackend("onednn") {
      try step([x, kernel, dense].map { try Ops.cast($0, to: .float32) })
    }
    for (got, want) in zip(gradients, wide) {
      let scale = try want.floats().map(Swift.abs).max() ?? 1
      for (g, w) in zip(try got.floats(), try want.floats()) {
        #expect(Swift.abs(g - w) <= 0x1p-5 * Swift.max(1, scale))
      }
    }
  }

  /// Operands of mixed dtypes are refused with an error naming the op, whichever side is
  /// bfloat16.
  @Test func refusesMixedOperands() throws {
    let backend = OneDNNBackend()
    let (a16, a32) = (
      TensorBuffer(dtype: .bfloat16, shape: [4, 3]), TensorBuffer(dtype: .float32, shape: [4, 3])
    )
    let (b16, b32) = (
      TensorBuffer(dtype: .bfloat16, shape: [3, 5]), TensorBuffer(dtype: .float32, shape: [3, 5])
    )
    for (a, b, out) in [
      (a16, b32, DType.bfloat16), (a32, b16, .bfloat16), (a16, b16, .float32),
      (a32, b32, .bfloat16),
    ] {
      let error = #expect(throws: PlexusError.self) {
        try backend.matmul(
          a, b, transposeA: false, transposeB: false, TensorBuffer(dtype: out, shape: [4, 5]))
      }
      #expect("\(error.map { "\($0)" } ?? "")".contains("matmul"))
    }
  }
}

import PlexusReference
import PlexusTestSupport
import Testing

@testable import Plexus

/// A backend with only the fused dense kernel, computed from the reference backend's kernels
/// on buffers: it takes the dispatcher's record path, the family's checks and the fused
/// kernel's gradient rule through their paces before a backend with real post-ops exists.
final class FusedDenseBackend: Backend, DenseKernels, Sendable {
  let name = "test-fused-dense"
  private let inner = ReferenceBackend()

  func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    op == .dense && (dtype == .float32 || dtype == .float64)
  }

  func dense(
    _ x: TensorBuffer, _ kernel: TensorBuffer, bias: TensorBuffer?,
    activation: FusedActivation, _ out: TensorBuffer
  ) throws {
    let inner = kernel.shape[0]
    let rows = x.count / Swift.max(inner, 1)
    let flat = x.reshaped([rows, inner])
    let result = out.reshaped([rows, kernel.shape[1]])
    try self.inner.matmul(flat, kernel, transposeA: false, transposeB: false, result)
    if let bias { try self.inner.binary(.add, result, bias, result) }
    switch activation {
    case .linear: break
    case .relu: try self.inner.unary(.relu, result, result)
    case .sigmoid: try self.inner.unary(.sigmoid, result, result)
    case .tanh: try self.inner.unary(.tanh, result, result)
    }
  }

  /// Registered once per test process.
  static let registered: Bool = {
    _ = Config.availableBackends  // the built-ins first, as a user's process has them
    return (try? BackendRegistry.shared.register(FusedDenseBackend())) != nil
  }()
}

/// A backend that claims the fused dense kernel up front and declines every record at run time.
final class DecliningDenseBackend: Backend, Sendable {
  let name = "test-declining-dense"

  func supports(_ op: OpCode, _ dtype: DType) -> Bool { op == .dense }
  func execute(_ record: OpRecord) throws -> ExecutionStatus { .unsupported }

  /// Registered once per test process.
  static let registered: Bool = {
    _ = Config.availableBackends  // the built-ins first, as a user's process has them
    return (try? BackendRegistry.shared.register(DecliningDenseBackend())) != nil
  }()
}

@Suite struct DenseOpTests {
  init() {
    _ = FusedDenseBackend.registered
    _ = DecliningDenseBackend.registered
  }

  /// A backend that claims the family but declines at run time leaves the op to the
  /// composite (the reference backend runs no family kernel to fall back to).
  @Test func aRunTimeDeclineRunsTheComposite() throws {
    let x = try withRandomSeed(2) { try Ops.randomUniform([3, 4]) }
    let kernel = try withRandomSeed(3) { try Ops.randomUniform([4, 2]) }
    // The composite's primitives fall back to the reference backend; compute it there.
    let expected = try withBackend("reference") {
      try Ops.relu(Ops.matmul(x, kernel)).scalars(Float.self)
    }
    let actual = try withBackend("test-declining-dense") {
      try Ops.dense(x, kernel, activation: .relu)
    }
    #expect(try actual.scalars(Float.self) == expected)
  }

  static func cases() throws -> [GradientCase] {
    try conformanceGradientCases().filter { $0.name.hasPrefix("dense") }
  }

  /// The fused kernel and its gradient rule agree with the composite on the reference, for
  /// every fused activation, with and without a bias, at rank 2 and 3.
  @Test func theFusedPathMatchesTheComposite() throws {
    #expect(try Self.cases().count == 5)
    #expect(try checkGradientConformance(backend: "test-fused-dense", cases: Self.cases()) == [])
  }

  /// A `Dense` layer with a fusable activation is one `dense` record; with another activation,
  /// its ops run one by one.
  @Test func denseLayersUseTheFusedKernel() throws {
    let x = try withRandomSeed(1) { try Ops.randomUniform([4, 6]) }
    for (activation, fused) in [(ActivationFunction.relu, true), (.gelu, false)] {
      let layer = Dense(3, activation: activation)
      let statistics = try Dispatcher.recordingStatistics {
        try withBackend("test-fused-dense") { _ = try layer(x) }
      }.1
      #expect(statistics.dispatchCount(backend: "test-fused-dense", op: .dense) == (fused ? 1 : 0))
      #expect(statistics.dispatchCount(backend: "reference", op: .matmul) == (fused ? 0 : 1))
    }
  }

  @Test func badOperandsAreErrors() throws {
    let calls: [() throws -> Tensor] = [
      { try Ops.dense(Ops.ones([2, 3]), Ops.ones([4, 2])) },
      { try Ops.dense(Ops.ones([2, 3]), Ops.ones([3, 2]), bias: Ops.ones([3])) },
      { try Ops.dense(Ops.ones([2, 3]), Ops.ones([3, 2], dtype: .float64)) },
      { try Ops.dense(Tensor(Float(1)), Ops.ones([1, 2])) },
      { try Ops.dense(Ops.ones([2, 3], dtype: .int32), Ops.ones([3, 2], dtype: .int32)) },
    ]
    for (index, call) in calls.enumerated() {
      #expect(throws: PlexusError.self, "case \(index)") { try call() }
    }
    // A record that bypasses the frontend's checks is refused by the family's.
    let record = OpRecord(
      .dense, inputs: [makeBuffer([1, 2], [1, 2]), makeBuffer([1, 2, 3], [3, 1])],
      attributes: [.activation: .int(0)], outputs: [TensorBuffer(dtype: .float32, shape: [1, 1])])
    #expect(throws: PlexusError.self) { try FusedDenseBackend().execute(record) }
    let unknown = OpRecord(
      .dense, inputs: [makeBuffer([1, 2], [1, 2]), makeBuffer([1, 2], [2, 1])],
      attributes: [.activation: .int(99)], outputs: [TensorBuffer(dtype: .float32, shape: [1, 1])])
    #expect(throws: PlexusError.self) { try FusedDenseBackend().execute(unknown) }
  }
}

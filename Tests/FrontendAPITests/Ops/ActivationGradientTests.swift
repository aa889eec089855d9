import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct ActivationGradientTests {
  /// Outputs with the special values an activation's gradient must treat as the composite
  /// does: zeros of both signs, NaN, ±∞, and the tail past a whole number of vectors.
  static func specialOutputs() throws -> (Tensor, Tensor) {
    var y: [Float] = [0, -0.0, .nan, .infinity, -.infinity, 1e-30, -1e-30, 0.25, 0.75, -0.5]
    var g: [Float] = [1, 2, 3, 4, 5, .nan, .nan, -1, 0.5, .infinity]
    // Enough elements for the vector path and a tail.
    for index in 0..<40 {
      y.append(Float(index % 7) / 3 - 1)
      g.append(Float(index % 5) - 2)
    }
    return (try Tensor(y, shape: [5, 10]), try Tensor(g, shape: [5, 10]))
  }

  /// The kernel on every built-in backend equals the composite it stands for, bit for bit
  /// (NaN where the composite gives NaN), for every activation.
  @Test(arguments: ["reference", "openblas", "onednn"])
  func kernelMatchesItsComposite(backend: String) throws {
    let (y, g) = try Self.specialOutputs()
    for activation in FusedActivation.allCases {
      let expected = try withBackend("reference") {
        try Ops.activationGradientComposite(activation, output: y, upstream: g)
          .scalars(Float.self)
      }
      let actual = try withBackend(backend) {
        try Ops.activationGradient(activation, output: y, upstream: g).scalars(Float.self)
      }
      #expect(actual.count == expected.count)
      for (a, e) in zip(actual, expected) {
        #expect(a.bitPattern == e.bitPattern || (a.isNaN && e.isNaN), "\(activation)")
      }
    }
  }

  /// The relu layer's backward pass is one `activation_gradient` on oneDNN: no comparison or
  /// select, and nothing left to the reference backend.
  @Test func reluBackwardIsOneKernel() throws {
    let x = try withRandomSeed(5) { try Ops.randomNormal([64, 33]) }
    let (_, statistics) = try Dispatcher.recordingStatistics {
      try withBackend("onednn") {
        let tape = GradientTape()
        var watched = [x]
        tape.watch(&watched)
        let loss = try tape.record { try Ops.sum(Ops.relu(watched[0])) }
        return try tape.gradient(of: loss, wrt: watched)
      }
    }
    #expect(statistics.dispatchCount(backend: "onednn", op: .activationGradient) == 1)
    #expect(statistics.dispatchCount(backend: "onednn", op: .greater) == 0)
    #expect(statistics.dispatchCount(backend: "onednn", op: .select) == 0)
    #expect(statistics.fallbackCount(backend: "onednn") == 0)
  }

  /// Gradients of the gradient (both operands) agree with finite differences, in float64
  /// away from relu's kink.
  @Test(arguments: FusedActivation.allCases)
  func secondOrderMatchesFiniteDifferences(activation: FusedActivation) throws {
    // Outputs inside each activation's range, away from 0 for relu.
    let y = try Tensor([0.2, 0.7, 0.45, 0.9, 0.1, 0.6], shape: [2, 3])
    let g = try Tensor([1.5, -0.5, 2.0, 0.25, -1.0, 0.75], shape: [2, 3])
    let problems = try checkGradients(
      of: { try Ops.activationGradient(activation, output: $0[0], upstream: $0[1]) },
      at: [y, g])
    #expect(problems == [])
  }

  /// Bad operands get an error that names the op, never a trap.
  @Test func badOperandsAreRejected() throws {
    let y = try Tensor([Float](repeating: 1, count: 6), shape: [2, 3])
    #expect(throws: PlexusError.self) {
      try Ops.activationGradient(
        .relu, output: y, upstream: Tensor([Float](repeating: 1, count: 6), shape: [3, 2]))
    }
    #expect(throws: PlexusError.self) {
      try Ops.activationGradient(.relu, output: y, upstream: y.cast(to: .float64))
    }
    #expect(throws: PlexusError.self) {
      try Ops.activationGradient(.tanh, output: y.cast(to: .int32), upstream: y.cast(to: .int32))
    }
    do {
      _ = try Ops.activationGradient(.sigmoid, output: y, upstream: Tensor([Float(1)]))
      Issue.record("a mismatched upstream gradient was accepted")
    } catch let error as PlexusError {
      #expect("\(error)".contains("activation_gradient"))
    }
  }

  /// A record with an unknown activation code is refused by the kernel family's checks.
  @Test func unknownActivationCodeIsRejected() throws {
    let y = TensorBuffer(dtype: .float32, shape: [4])
    let record = OpRecord(
      .activationGradient, inputs: [y, y], attributes: [.activation: .int(Int.max)],
      outputs: [TensorBuffer(dtype: .float32, shape: [4])])
    for name in ["reference", "onednn"] {
      let backend = try BackendRegistry.shared.backend(named: name)
      #expect(throws: PlexusError.self) { try backend.execute(record) }
    }
  }
}

import PlexusTestSupport
import Testing

@testable import Plexus

/// Finite-difference checks of the gradient rule of every differentiable primitive, in float64,
/// on the reference backend.
@Suite struct GradientRulesTests {
  static let unaryOps: [(OpCode, ClosedRange<Double>)] = [
    (.negate, -1...1), (.exp, -1...1), (.log, 0.5...2), (.sqrt, 0.5...2), (.rsqrt, 0.5...2),
    (.tanh, -1...1), (.sigmoid, -2...2), (.relu, -1...1), (.abs, -1...1), (.square, -1...1),
    (.reciprocal, 0.5...2), (.sin, -2...2), (.cos, -2...2), (.erf, -1...1), (.expm1, -1...1),
    (.log1p, -0.5...1),
  ]

  @Test(arguments: unaryOps.map(\.0))
  func unary(op: OpCode) throws {
    let range = try #require(Self.unaryOps.first { $0.0 == op }).1
    let x = try sampleTensor([3, 4], in: range, avoidZero: true)
    let problems = try withBackend("reference") {
      try checkGradients(of: { try Ops.unary(op, $0[0]) }, at: [x])
    }
    #expect(problems == [], "\(op)")
  }

  @Test(arguments: [OpCode.add, .subtract, .multiply, .divide, .power, .maximum, .minimum])
  func binaryWithBroadcasting(op: OpCode) throws {
    let positive = op == .power || op == .divide
    let a = try sampleTensor([3, 4], in: positive ? 0.5...2 : -1...1, seed: 2)
    let b = try sampleTensor([4], in: positive ? 0.5...2 : -1...1, seed: 3)
    let column = try sampleTensor([3, 1], in: positive ? 0.5...2 : -1...1, seed: 4)
    let problems = try withBackend("reference") {
      try checkGradients(of: { try Ops.binary(op, $0[0], $0[1]) }, at: [a, b])
        + checkGradients(of: { try Ops.binary(op, $0[0], $0[1]) }, at: [column, a])
    }
    #expect(problems == [], "\(op)")
  }

  @Test func select() throws {
    let a = try sampleTensor([2, 3], seed: 5)
    let b = try sampleTensor([3], seed: 6)
    let condition = try Tensor([true, false, true, false, false, true], shape: [2, 3])
    let problems = try checkGradients(of: { try Ops.where(condition, $0[0], $0[1]) }, at: [a, b])
    #expect(problems == [])
  }

  @Test func castRoundTrip() throws {
    let x = try sampleTensor([5], seed: 8)
    let problems = try checkGradients(
      of: { try Ops.cast($0[0], to: .float32).cast(to: .float64) * 3 }, at: [x], step: 1e-3,
      tolerance: 1e-3)
    #expect(problems == [])
  }

  @Test(arguments: [OpCode.sum, .max, .min, .prod])
  func reductionOverMiddleAxis(op: OpCode) throws {
    let x = try sampleTensor([2, 3, 4], in: 0.5...2, seed: 9)
    let problems =
      try checkGradients(
        of: { try Ops.reduce(op, $0[0], axes: [1], keepDims: false) }, at: [x])
      + checkGradients(of: { try Ops.reduce(op, $0[0], axes: nil, keepDims: true) }, at: [x])
    #expect(problems == [], "\(op)")
  }

  @Test func maxSharesTiesEqually() throws {
    let x = try Tensor([1, 3, 3, 2] as [Double], shape: [4])
    let tape = GradientTape()
    var watched = x
    tape.watch(&watched)
    let y = try tape.record { try Ops.max(watched) }
    let grad = try #require(try tape.gradient(of: y, wrt: [watched])[0])
    #expect(try grad.scalars(Double.self) == [0, 0.5, 0.5, 0])
  }

  @Test func layoutOps() throws {
    let x = try sampleTensor([2, 3, 4], seed: 10)
    let y = try sampleTensor([2, 2, 4], seed: 11)
    let indices = try Tensor([2, 0, 2] as [Int32], shape: [3])
    let problems =
      try checkGradients(of: { try Ops.transpose($0[0], permutation: [2, 0, 1]) }, at: [x])
      + checkGradients(of: { try Ops.concatenate([$0[0], $0[1]], axis: 1) }, at: [x, y])
      + checkGradients(of: { try Ops.slice($0[0], starts: [1, 1, 0], sizes: [1, 2, 3]) }, at: [x])
      + checkGradients(of: { try Ops.take($0[0], indices, axis: 1) }, at: [x])
      + checkGradients(of: { try Ops.pad($0[0], [(1, 0), (0, 2), (1, 1)], value: 3) }, at: [x])
      + checkGradients(of: { try Ops.reshape($0[0], [4, 6]) }, at: [x])
      + checkGradients(of: { try Ops.copy($0[0]) }, at: [x])
    #expect(problems == [])
  }

  @Test func scatterAdd() throws {
    let base = try sampleTensor([4, 3], seed: 12)
    let updates = try sampleTensor([5, 3], seed: 13)
    let indices = try Tensor([0, 3, 0, 1, 3] as [Int64], shape: [5])
    let problems = try checkGradients(
      of: { try Ops.scatterAdd($0[0], indices: indices, updates: $0[1], axis: 0) },
      at: [base, updates])
    #expect(problems == [])
  }

  @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
  func matmul(transposeA: Bool, transposeB: Bool) throws {
    let a = try sampleTensor(transposeA ? [2, 4, 3] : [2, 3, 4], seed: 14)
    let b = try sampleTensor(transposeB ? [5, 4] : [4, 5], seed: 15)
    let problems = try checkGradients(
      of: { try Ops.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) },
      at: [a, b])
    #expect(problems == [])
  }

  @Test func fusedSoftmaxFamily() throws {
    let x = try sampleTensor([3, 5], in: -2...2, seed: 16)
    let problems =
      try checkGradients(of: { try Ops.softmax($0[0]) }, at: [x])
      + checkGradients(of: { try Ops.logSoftmax($0[0]) }, at: [x])
      + checkGradients(of: { try Ops.softmaxComposite($0[0]) }, at: [x])
    #expect(problems == [])
    let fused = try Ops.softmax(x).scalars(Double.self)
    let composite = try Ops.softmaxComposite(x).scalars(Double.self)
    for (f, c) in zip(fused, composite) { #expect(Swift.abs(f - c) < 1e-12) }
  }

  @Test(arguments: [OpCode.sign, .floor, .ceil, .round])
  func piecewiseConstantOpsPassNoGradient(op: OpCode) throws {
    let x = try sampleTensor([4], seed: 17)
    let tape = GradientTape()
    var watched = x
    tape.watch(&watched)
    let y = try tape.record { try Ops.sum(Ops.add(Ops.unary(op, watched), watched)) }
    let grad = try #require(try tape.gradient(of: y, wrt: [watched])[0])
    #expect(try grad.scalars(Double.self) == [1, 1, 1, 1])
  }

  @Test func secondOrderThroughNestedTapes() throws {
    // d²/dx² of x³ at x = 2 is 6x = 12.
    let outer = GradientTape()
    var x = Tensor(2.0)
    outer.watch(&x)
    let first = try outer.record { () -> Tensor in
      let inner = GradientTape()
      var tracked = x
      inner.watch(&tracked)
      let y = try inner.record { try Ops.multiply(Ops.square(tracked), tracked) }
      return try #require(try inner.gradient(of: y, wrt: [tracked])[0])
    }
    #expect(try first.item() == 12)
    let second = try #require(try outer.gradient(of: first, wrt: [x])[0])
    #expect(try second.item() == 12)
  }

  @Test func nonPersistentTapeAnswersOnce() throws {
    let tape = GradientTape()
    var x = Tensor(3.0)
    tape.watch(&x)
    let y = try tape.record { try Ops.square(x) }
    _ = try tape.gradient(of: y, wrt: [x])
    #expect(throws: PlexusError.self) { try tape.gradient(of: y, wrt: [x]) }
  }
}

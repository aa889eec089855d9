import BackendProtocol

/// Runs every (op, dtype) pair `backend` claims to support on seeded random inputs of a few
/// shapes (size-0 and size-1 axes and broadcasting among them), runs the same on `reference`
/// (or, for the convolution and pooling families, the frontend's composite), and returns one
/// line per disagreement, each starting with the op and dtype (empty when the backend
/// conforms). Results may differ by ``ConformanceTolerance/forward(_:_:)``. An error thrown by
/// only one of the two is a mismatch. A record that a backend which
/// ``Backend/refinesSupport`` declines in ``Backend/supports(_:)`` is not run on it, as the
/// dispatcher would not run it there.
///
/// A new backend is tested with one line:
/// `#expect(try checkBackendConformance(MyBackend(), against: ReferenceBackend()) == [])`.
public func checkBackendConformance(
  _ backend: any Backend, against reference: any Backend, seed: UInt64 = 0x5EED
) throws -> [String] {
  try runBackendConformance(backend, against: reference, seed: seed).flatMap(\.problems)
}

/// The forward conformance suite as a report: one ``ConformanceResult`` per op and dtype, in
/// op-code order, for every pair whether `backend` claims it or not.
public func runBackendConformance(
  _ backend: any Backend, against reference: any Backend, seed: UInt64 = 0x5EED
) throws -> [ConformanceResult] {
  var checker = ConformanceChecker(backend: backend, reference: reference, seed: seed)
  var results: [ConformanceResult] = []
  for op in OpCode.allCases {
    for dtype in DType.allCases {
      guard backend.supports(op, dtype) else {
        results.append(ConformanceResult(op: op, dtype: dtype, claimed: false))
        continue
      }
      let before = checker.mismatches.count
      checker.compared = 0
      checker.worst = nil
      try checker.check(op, dtype)
      results.append(
        ConformanceResult(
          op: op, dtype: dtype, claimed: true, compared: checker.compared,
          worstError: checker.worst?.error ?? 0, worstCase: checker.worst?.label ?? "",
          problems: Array(checker.mismatches[before...])))
    }
  }
  return results
}

/// How one op and dtype fared in the forward conformance suite.
public struct ConformanceResult: Sendable {
  /// The op.
  public let op: OpCode
  /// The input dtype.
  public let dtype: DType
  /// Whether the backend claims the pair (``Backend/supports(_:_:)``); the rest is empty when
  /// it does not.
  public let claimed: Bool
  /// The results compared with the oracle (cases the backend declined per record are not).
  public var compared = 0
  /// The largest difference from the oracle, relative above magnitude 1, absolute below.
  public var worstError = 0.0
  /// The case that showed ``worstError``: the op, dtype and shapes.
  public var worstCase = ""
  /// One line per disagreement; empty when the pair conforms.
  public var problems: [String] = []

  /// Whether the pair was claimed and conforms.
  public var passed: Bool { claimed && problems.isEmpty }
}

/// Runs one op on two backends and records where they disagree.
struct ConformanceChecker {
  let backend: any Backend
  let reference: any Backend
  var random: SplitMix64
  var mismatches: [String] = []
  /// Results compared for the current pair.
  var compared = 0
  /// The largest difference seen for the current pair, and the case that showed it.
  var worst: (error: Double, label: String)?

  init(backend: any Backend, reference: any Backend, seed: UInt64) {
    self.backend = backend
    self.reference = reference
    self.random = SplitMix64(seed: seed)
  }

  mutating func check(_ op: OpCode, _ dtype: DType) throws {
    switch op.family {
    case .memory: try checkMemory(op, dtype)
    case .unary:
      for shape: Shape in [[7], [3, 5], [], [0], [2, 0, 3], [1, 1, 4]] {
        let x = input(dtype, shape, domain: Self.domain(op))
        try compare(op, dtype, "\(shape)", [x], output: op.producesBool ? .bool : dtype, shape)
      }
    case .binary:
      let pairs: [(Shape, Shape)] = [
        ([2, 3], [2, 3]), ([4, 3], [3]), ([2, 1, 3], [4, 1]), ([5], [1]), ([1], [2, 2]),
        ([0, 3], [3]), ([1, 0], [4, 1]), ([1], [1, 1]), ([2, 1, 1], [1, 3, 1]), ([], [2]),
      ]
      for (left, right) in pairs {
        let a = input(dtype, left, domain: op == .power ? .positive : .signed)
        let b = input(dtype, right, domain: op == .divide ? .nonZero : .signed)
        let shape = Shape.broadcast(left, right) ?? left
        try compare(
          op, dtype, "\(left)·\(right)", [a, b], output: op.producesBool ? .bool : dtype, shape)
      }
    case .selection:
      let triples: [(Shape, Shape, Shape)] = [
        ([2, 3], [2, 3], [2, 3]), ([2, 1], [1, 3], [3]), ([0], [0], [1]), ([1, 1], [1], [1, 2]),
      ]
      for (c, l, r) in triples {
        let condition = input(.bool, c, domain: .signed)
        let a = input(dtype, l, domain: .signed)
        let b = input(dtype, r, domain: .signed)
        let shape = Shape.broadcast(Shape.broadcast(c, l) ?? c, r) ?? c
        try compare(op, dtype, "\(c)?\(l):\(r)", [condition, a, b], output: dtype, shape)
      }
    case .reduction: try checkReduction(op, dtype)
    case .layout: try checkLayout(op, dtype)
    case .linearAlgebra: try checkMatmul(dtype)
    case .random: try checkRandom(op, dtype)
    case .fused where Self.hasComposite(op): try checkAgainstComposite(op, dtype)
    case .fused: try checkFused(op, dtype)
    }
  }

  private mutating func checkMemory(_ op: OpCode, _ dtype: DType) throws {
    let shape: Shape = [3, 4]
    switch op {
    case .copy:
      let x = input(dtype, shape, domain: .signed)
      try compare(op, dtype, "", [x], output: dtype, shape)
    case .fill:
      try compare(op, dtype, "", [], [.fillValue: .double(-2.5)], output: dtype, shape)
    case .iota:
      try compare(
        op, dtype, "", [], [.iotaStart: .double(3), .iotaStep: .double(2)], output: dtype, shape)
    default:
      let x = input(dtype, shape, domain: .signed)
      for target in DType.allCases where target != .bfloat16 {
        try compare(
          op, dtype, "to \(target)", [x], [.targetDType: .dtype(target)], output: target, shape)
      }
    }
  }

  private mutating func checkReduction(_ op: OpCode, _ dtype: DType) throws {
    let shape: Shape = [3, 4, 5]
    let single = op == .argmax || op == .argmin
    let axisSets: [[Int]] = single ? [[0], [1], [2]] : [[0], [1], [2], [0, 2], [0, 1, 2]]
    // Size-1 axes, and an empty tensor reduced along a non-empty axis (the frontend never
    // sends a reduction along an empty axis: it answers those itself).
    let cases =
      axisSets.map { (shape, $0) } + [([1, 4, 1], [0]), ([1, 4, 1], [1]), ([0, 3], [1])]
    for (shape, axes) in cases {
      let x = input(dtype, shape, domain: op == .prod ? .small : .signed)
      let kept = shape.dims.indices.filter { !axes.contains($0) }.map { shape[$0] }
      try compare(
        op, dtype, "\(shape) axes \(axes)", [x], [.axes: .ints(axes)],
        output: single ? .int32 : dtype, Shape(kept))
    }
  }

  private mutating func checkLayout(_ op: OpCode, _ dtype: DType) throws {
    switch op {
    case .transpose:
      for (shape, permutation) in [
        ([2, 3, 4], [2, 0, 1]), ([3, 5], [1, 0]), ([2, 3, 4], [0, 2, 1]), ([0, 3, 1], [1, 2, 0]),
        ([1, 1, 5], [2, 1, 0]),
      ] {
        let x = input(dtype, Shape(shape), domain: .signed)
        let outShape = Shape(permutation.map { shape[$0] })
        try compare(
          op, dtype, "\(permutation)", [x], [.permutation: .ints(permutation)], output: dtype,
          outShape)
      }
    case .concat:
      let parts = [input(dtype, [2, 3], domain: .signed), input(dtype, [2, 2], domain: .signed)]
      try compare(op, dtype, "axis 1", parts, [.axis: .int(1)], output: dtype, [2, 5])
      let rows = [input(dtype, [1, 3], domain: .signed), input(dtype, [2, 3], domain: .signed)]
      try compare(op, dtype, "axis 0", rows, [.axis: .int(0)], output: dtype, [3, 3])
      let empty = [input(dtype, [2, 0], domain: .signed), input(dtype, [2, 3], domain: .signed)]
      try compare(op, dtype, "an empty part", empty, [.axis: .int(1)], output: dtype, [2, 3])
    case .slice:
      let x = input(dtype, [4, 5, 2], domain: .signed)
      try compare(op, dtype, "", [x], [.starts: .ints([1, 2, 1])], output: dtype, [2, 3, 1])
      try compare(op, dtype, "empty", [x], [.starts: .ints([4, 0, 0])], output: dtype, [0, 5, 2])
    case .pad:
      let x = input(dtype, [2, 3], domain: .signed)
      try compare(
        op, dtype, "", [x], [.paddingBefore: .ints([1, 2]), .padValue: .double(1)],
        output: dtype, [4, 5])
    case .gather:
      let x = input(dtype, [5, 3], domain: .signed)
      let indices = integers(.int32, [2, 2], below: 5)
      try compare(op, dtype, "axis 0", [x, indices], [.axis: .int(0)], output: dtype, [2, 2, 3])
      let wide = integers(.int64, [4], below: 3)
      try compare(op, dtype, "axis 1", [x, wide], [.axis: .int(1)], output: dtype, [5, 4])
      let none = integers(.int32, [0], below: 5)
      try compare(op, dtype, "no indices", [x, none], [.axis: .int(0)], output: dtype, [0, 3])
    case .oneHot:
      let indices = integers(.int32, [2, 3], below: 4)
      try compare(op, dtype, "", [indices], [.depth: .int(4)], output: dtype, [2, 3, 4])
      let bad = makeBuffer([0, 4], [2], .int64)
      try expectBothThrow(op, dtype, "index 4 of depth 4", [bad], [.depth: .int(4)], dtype, [2, 4])
    default:
      let updates = input(dtype, [6, 3], domain: .signed)
      let indices = integers(.int32, [6], below: 4)
      let start = input(dtype, [4, 3], domain: .signed)
      try compare(
        op, dtype, "axis 0", [start, indices, updates], [.axis: .int(0)], output: dtype, [4, 3])
    }
  }

  private mutating func checkMatmul(_ dtype: DType) throws {
    let cases: [(Shape, Shape, Bool, Bool, Shape)] = [
      ([1, 1], [1, 1], false, false, [1, 1]), ([7, 5], [5, 13], false, false, [7, 13]),
      ([5, 7], [5, 13], true, false, [7, 13]), ([7, 5], [13, 5], false, true, [7, 13]),
      ([5, 7], [13, 5], true, true, [7, 13]), ([33, 17], [17, 65], false, false, [33, 65]),
      ([2, 3, 4], [2, 4, 5], false, false, [2, 3, 5]),
      ([2, 3, 4], [4, 5], false, false, [2, 3, 5]),
      ([4, 2], [3, 2, 5], false, false, [3, 4, 5]),
      ([1, 0], [0, 5], false, false, [1, 5]), ([0, 3], [3, 2], false, false, [0, 2]),
      ([3, 1], [1, 1], false, true, [3, 1]),
    ]
    for (left, right, ta, tb, outShape) in cases {
      let a = input(dtype, left, domain: .signed)
      let b = input(dtype, right, domain: .signed)
      try compare(
        .matmul, dtype, "\(left)\(ta ? "ᵀ" : "")·\(right)\(tb ? "ᵀ" : "")", [a, b],
        [.transposeA: .bool(ta), .transposeB: .bool(tb)], output: dtype, outShape)
    }
  }

  private mutating func checkRandom(_ op: OpCode, _ dtype: DType) throws {
    let uniform = op == .randomUniform
    let attributes: OpAttributes =
      uniform
      ? [.seed: .int(42), .low: .double(-2), .high: .double(3)]
      : [.seed: .int(42), .mean: .double(1), .standardDeviation: .double(0.5)]
    // Odd sizes and a large one: normal pairs and thread chunks must line up the same way.
    for (offset, count) in [(0, 1), (7, 33), (1 << 40, 200_001)] {
      let start = makeBuffer([Double(offset)], [], .int64)
      try compare(
        op, dtype, "offset \(offset) count \(count)", [start], attributes, output: dtype,
        [count])
    }
  }

  private mutating func checkFused(_ op: OpCode, _ dtype: DType) throws {
    let shape: Shape = [3, 7]
    let x = input(dtype, shape, domain: .signed)
    let g = input(dtype, shape, domain: .signed)
    let m = input(dtype, shape, domain: .signed)
    let v = input(dtype, shape, domain: .positive)
    let rate = makeBuffer([0.01], [], .float64)
    switch op {
    case .softmax, .logSoftmax:
      try compare(op, dtype, "", [x], [.axis: .int(1)], output: dtype, shape)
    case .sparseSoftmaxCrossEntropy, .sparseSoftmaxCrossEntropyGradient:
      for labelType in [DType.int32, .int64] {
        let labels = integers(labelType, [3], below: 7)
        if op == .sparseSoftmaxCrossEntropy {
          try compare(op, dtype, "\(labelType) labels", [x, labels], output: dtype, [3])
        } else {
          let upstream = input(dtype, [3], domain: .signed)
          try compare(
            op, dtype, "\(labelType) labels", [x, labels, upstream], output: dtype, shape)
        }
      }
      let bad = makeBuffer([0, 7, 1], [3], .int32)
      try expectBothThrow(op, dtype, "label 7 of 7 classes", [x, bad], .none, dtype, [3])
    case .activationGradient:
      for activation in FusedActivation.allCases {
        for shape: Shape in [[3, 7], [0], [1, 1, 33]] {
          let (y, upstream) = (
            input(dtype, shape, domain: .signed), input(dtype, shape, domain: .signed)
          )
          try compare(
            op, dtype, "\(activation) \(shape)", [y, upstream],
            [.activation: .int(activation.rawValue)], output: dtype, shape)
        }
      }
    case .sgdUpdate:
      try compareInPlace(
        op, dtype, "nesterov", [x, g, rate, m], updated: [0, 3],
        [.momentum: .double(0.9), .nesterov: .bool(true)])
      try compareInPlace(op, dtype, "plain", [x, g, rate], updated: [0], [.momentum: .double(0)])
    default:
      let step = makeBuffer([3], [], .int64)
      let hyper: OpAttributes = [
        .beta1: .double(0.9), .beta2: .double(0.999), .epsilon: .double(1e-7),
      ]
      try compareInPlace(
        op, dtype, "", [x, g, m, v, rate, step], updated: [0, 2, 3], hyper)
      // Several variables in one record, as an optimizer step sends them.
      let (x2, g2, m2, v2) = (
        input(dtype, [5], domain: .signed), input(dtype, [5], domain: .signed),
        input(dtype, [5], domain: .signed), input(dtype, [5], domain: .positive)
      )
      try compareInPlace(
        op, dtype, "two variables", [x, g, m, v, x2, g2, m2, v2, rate, step],
        updated: [0, 2, 3, 4, 6, 7], hyper)
    }
  }

  private static func cloned(_ x: TensorBuffer, _ reference: any Backend) throws -> TensorBuffer {
    let copy = TensorBuffer(dtype: x.dtype, shape: x.shape)
    try reference.copy(x, copy)
    return copy
  }

  /// Executes a record of `op` on `backend` with fresh outputs.
  func run(
    _ backend: any Backend, _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    _ outputs: [(DType, Shape)]
  ) throws -> (ExecutionStatus, [TensorBuffer]) {
    let record = OpRecord(
      op, inputs: inputs, attributes: attributes,
      outputs: outputs.map { TensorBuffer(dtype: $0.0, shape: $0.1) })
    return (try backend.execute(record), record.outputs)
  }

  /// Executes a record on the reference backend; one on bfloat16 operands that it runs only
  /// in float32 (all but casts and copies) runs as the dispatcher runs it there: the operands
  /// widened, the float32 kernel, each bfloat16 result rounded to nearest (ties to even).
  func runReference(
    _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    _ outputs: [(DType, Shape)]
  ) throws -> (ExecutionStatus, [TensorBuffer]) {
    let narrow = inputs.contains { $0.dtype == .bfloat16 } || outputs.contains { $0.0 == .bfloat16 }
    guard narrow, !reference.supports(op, .bfloat16) else {
      return try run(reference, op, inputs, attributes, outputs)
    }
    let wide = try inputs.map { $0.dtype == .bfloat16 ? try BFloat16.widened($0) : $0 }
    let standIns = outputs.map { ($0.0 == .bfloat16 ? DType.float32 : $0.0, $0.1) }
    let (status, results) = try run(reference, op, wide, attributes, standIns)
    let rounded = zip(results, outputs).map { result, wanted -> TensorBuffer in
      guard wanted.0 == .bfloat16 else { return result }
      let narrowed = TensorBuffer(dtype: .bfloat16, shape: wanted.1)
      BFloat16.narrow(result, into: narrowed)
      return narrowed
    }
    return (status, rounded)
  }

  /// Executes the same record on both backends and records any disagreement; `unsupported`
  /// from a backend that claimed the op is one.
  private mutating func compare(
    _ op: OpCode, _ inputType: DType, _ note: String, _ inputs: [TensorBuffer],
    _ attributes: OpAttributes = .none, output dtype: DType, _ shape: Shape
  ) throws {
    let label = "\(op) \(inputType) \(note)".trimmingSuffix()
    let expected: TensorBuffer
    let actual: TensorBuffer
    if backend.refinesSupport {
      let probe = OpRecord(
        op, inputs: inputs, attributes: attributes,
        outputs: [TensorBuffer(dtype: dtype, shape: shape)])
      guard backend.supports(probe) else { return }
    }
    do {
      let (status, outputs) = try runReference(op, inputs, attributes, [(dtype, shape)])
      guard status == .done else {
        mismatches.append("\(label): the reference backend answered unsupported")
        return
      }
      expected = outputs[0]
    } catch {
      mismatches.append("\(label): the reference backend failed: \(error)")
      return
    }
    do {
      let (status, outputs) = try run(backend, op, inputs, attributes, [(dtype, shape)])
      guard status == .done else {
        mismatches.append("\(label): \(backend.name) claims the op but answered unsupported")
        return
      }
      actual = outputs[0]
    } catch {
      mismatches.append("\(label): \(backend.name) threw \(error)")
      return
    }
    agree(op, label, expected, actual)
  }

  /// Runs an in-place op on both backends, each from its own copies of the inputs at
  /// `updated`, and compares those inputs afterwards.
  private mutating func compareInPlace(
    _ op: OpCode, _ inputType: DType, _ note: String, _ inputs: [TensorBuffer],
    updated: [Int], _ attributes: OpAttributes
  ) throws {
    let label = "\(op) \(inputType) \(note)".trimmingSuffix()
    var results: [[TensorBuffer]] = []
    for target in [reference, backend] {
      var state = inputs
      for index in updated { state[index] = try Self.cloned(inputs[index], reference) }
      do {
        let (status, _) = try run(target, op, state, attributes, [])
        guard status == .done else {
          mismatches.append("\(label): \(target.name) answered unsupported")
          return
        }
      } catch {
        mismatches.append("\(label): \(target.name) threw \(error)")
        return
      }
      results.append(updated.map { state[$0] })
    }
    for (expected, actual) in zip(results[0], results[1]) { agree(op, label, expected, actual) }
  }

  /// Records a mismatch unless both backends reject the record (an invalid index, say).
  private mutating func expectBothThrow(
    _ op: OpCode, _ inputType: DType, _ note: String, _ inputs: [TensorBuffer],
    _ attributes: OpAttributes, _ dtype: DType, _ shape: Shape
  ) throws {
    for target in [reference, backend] {
      if (try? run(target, op, inputs, attributes, [(dtype, shape)])) != nil {
        mismatches.append("\(op) \(inputType) \(note): \(target.name) accepted it")
      }
    }
  }

  /// Compares two results element by element within the dtype's tolerance, keeping the largest
  /// difference for the report.
  mutating func agree(
    _ op: OpCode, _ label: String, _ expected: TensorBuffer, _ actual: TensorBuffer
  ) {
    let want = bufferValues(expected)
    let got = bufferValues(actual)
    let tolerance = ConformanceTolerance.forward(op, expected.dtype)
    compared += 1
    guard want.count == got.count else {
      mismatches.append("\(label): \(got.count) elements, expected \(want.count)")
      return
    }
    var firstBad: Int?
    var largest = 0.0
    for index in want.indices {
      let (w, g) = (want[index], got[index])
      if w.isNaN && g.isNaN { continue }
      let error =
        w.isNaN || g.isNaN ? Double.infinity : Swift.abs(w - g) / Swift.max(1, Swift.abs(w))
      largest = Swift.max(largest, error)
      if error > tolerance, firstBad == nil { firstBad = index }
    }
    if largest > (worst?.error ?? -1) { worst = (largest, label) }
    if let index = firstBad {
      mismatches.append(
        "\(label): element \(index) is \(got[index]), expected \(want[index]) (worst difference "
          + "\(largest), tolerance \(tolerance))")
    }
  }

  enum Domain { case signed, positive, nonZero, small }

  static func domain(_ op: OpCode) -> Domain {
    switch op {
    case .log, .sqrt, .rsqrt, .log1p: .positive
    case .reciprocal: .nonZero
    default: .signed
    }
  }

  /// Seeded random elements of `dtype`: floats in a range that suits `domain`, integers in
  /// -20...20 (1...20 for `nonZero`, 0...3 for `small`), bytes and bools at random.
  mutating func input(_ dtype: DType, _ shape: Shape, domain: Domain) -> TensorBuffer {
    let values = (0..<shape.elementCount).map { _ -> Double in
      let unit = random.unit()
      switch (dtype, domain) {
      case (.bool, _): return unit < 0.5 ? 0 : 1
      case (.uint8, _): return (unit * 256).rounded(.down)
      case (.int32, .nonZero), (.int64, .nonZero):
        return (unit * 20).rounded(.down) + 1
      case (.int32, .small), (.int64, .small): return (unit * 4).rounded(.down)
      case (.int32, _), (.int64, _): return (unit * 41).rounded(.down) - 20
      case (_, .positive): return 0.1 + unit * 3
      case (_, .nonZero): return (0.5 + unit) * (random.unit() < 0.5 ? -1 : 1)
      case (_, .small): return 0.5 + unit
      default: return unit * 6 - 3
      }
    }
    return makeBuffer(values, shape, dtype)
  }

  private mutating func integers(_ dtype: DType, _ shape: Shape, below limit: Int) -> TensorBuffer {
    let values = (0..<shape.elementCount).map { _ in (random.unit() * Double(limit)).rounded(.down)
    }
    return makeBuffer(values, shape, dtype)
  }
}

/// A small, seeded generator (SplitMix64), so every run checks the same inputs.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A double in `0..<1`.
  mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

extension String {
  fileprivate func trimmingSuffix() -> String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}

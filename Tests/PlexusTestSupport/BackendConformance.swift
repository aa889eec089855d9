import BackendProtocol

/// Runs every (op, dtype) pair `backend` claims to support on seeded random inputs of a few
/// shapes, runs the same on `reference`, and returns one line per disagreement (empty when the
/// backend conforms). `float32` results may differ by `1e-4` relative, `float64` by `1e-9`;
/// everything else must match exactly. An error thrown by only one of the two is a mismatch.
///
/// A new backend is tested with one line:
/// `#expect(try checkBackendConformance(MyBackend(), against: ReferenceBackend()) == [])`.
public func checkBackendConformance(
  _ backend: any Backend, against reference: any Backend, seed: UInt64 = 0x5EED
) throws -> [String] {
  var checker = ConformanceChecker(backend: backend, reference: reference, seed: seed)
  for op in OpCode.allCases {
    for dtype in DType.allCases where backend.supports(op, dtype) {
      try checker.check(op, dtype)
    }
  }
  return checker.mismatches
}

/// Runs one op on two backends and records where they disagree.
private struct ConformanceChecker {
  let backend: any Backend
  let reference: any Backend
  var random: SplitMix64
  var mismatches: [String] = []

  init(backend: any Backend, reference: any Backend, seed: UInt64) {
    self.backend = backend
    self.reference = reference
    self.random = SplitMix64(seed: seed)
  }

  mutating func check(_ op: OpCode, _ dtype: DType) throws {
    switch op.family {
    case .memory: try checkMemory(op, dtype)
    case .unary:
      for shape: Shape in [[7], [3, 5], []] {
        let x = input(dtype, shape, domain: Self.domain(op))
        try compare(op, dtype, "\(shape)", dtype: op.producesBool ? .bool : dtype, shape) {
          try $0.unary(op, x, $1)
        }
      }
    case .binary:
      let pairs: [(Shape, Shape)] = [
        ([2, 3], [2, 3]), ([4, 3], [3]), ([2, 1, 3], [4, 1]), ([5], [1]), ([1], [2, 2]),
      ]
      for (left, right) in pairs {
        let a = input(dtype, left, domain: op == .power ? .positive : .signed)
        let b = input(dtype, right, domain: op == .divide ? .nonZero : .signed)
        let shape = Shape.broadcast(left, right) ?? left
        try compare(op, dtype, "\(left)·\(right)", dtype: op.producesBool ? .bool : dtype, shape) {
          try $0.binary(op, a, b, $1)
        }
      }
    case .selection:
      let triples: [(Shape, Shape, Shape)] = [([2, 3], [2, 3], [2, 3]), ([2, 1], [1, 3], [3])]
      for (c, l, r) in triples {
        let condition = input(.bool, c, domain: .signed)
        let a = input(dtype, l, domain: .signed)
        let b = input(dtype, r, domain: .signed)
        let shape = Shape.broadcast(Shape.broadcast(c, l) ?? c, r) ?? c
        try compare(op, dtype, "\(c)?\(l):\(r)", dtype: dtype, shape) {
          try $0.select(condition, a, b, $1)
        }
      }
    case .reduction: try checkReduction(op, dtype)
    case .layout: try checkLayout(op, dtype)
    case .linearAlgebra: try checkMatmul(dtype)
    case .fused: try checkFused(op, dtype)
    }
  }

  private mutating func checkMemory(_ op: OpCode, _ dtype: DType) throws {
    let shape: Shape = [3, 4]
    switch op {
    case .copy:
      let x = input(dtype, shape, domain: .signed)
      try compare(op, dtype, "", dtype: dtype, shape) { try $0.copy(x, $1) }
    case .fill:
      try compare(op, dtype, "", dtype: dtype, shape) { try $0.fill(-2.5, $1) }
    case .iota:
      try compare(op, dtype, "", dtype: dtype, shape) { try $0.iota(start: 3, step: 2, $1) }
    default:
      let x = input(dtype, shape, domain: .signed)
      for target in DType.allCases where target != .bfloat16 {
        try compare(op, dtype, "to \(target)", dtype: target, shape) { try $0.cast(x, $1) }
      }
    }
  }

  private mutating func checkReduction(_ op: OpCode, _ dtype: DType) throws {
    let shape: Shape = [3, 4, 5]
    let single = op == .argmax || op == .argmin
    let axisSets: [[Int]] = single ? [[0], [1], [2]] : [[0], [1], [2], [0, 2], [0, 1, 2]]
    for axes in axisSets {
      let x = input(dtype, shape, domain: op == .prod ? .small : .signed)
      let kept = shape.dims.indices.filter { !axes.contains($0) }.map { shape[$0] }
      try compare(op, dtype, "axes \(axes)", dtype: single ? .int32 : dtype, Shape(kept)) {
        try $0.reduce(op, x, axes: axes, $1)
      }
    }
  }

  private mutating func checkLayout(_ op: OpCode, _ dtype: DType) throws {
    switch op {
    case .transpose:
      for (shape, permutation) in [
        ([2, 3, 4], [2, 0, 1]), ([3, 5], [1, 0]), ([2, 3, 4], [0, 2, 1]),
      ] {
        let x = input(dtype, Shape(shape), domain: .signed)
        let outShape = Shape(permutation.map { shape[$0] })
        try compare(op, dtype, "\(permutation)", dtype: dtype, outShape) {
          try $0.transpose(x, permutation: permutation, $1)
        }
      }
    case .concat:
      let parts = [input(dtype, [2, 3], domain: .signed), input(dtype, [2, 2], domain: .signed)]
      try compare(op, dtype, "axis 1", dtype: dtype, [2, 5]) { try $0.concat(parts, axis: 1, $1) }
      let rows = [input(dtype, [1, 3], domain: .signed), input(dtype, [2, 3], domain: .signed)]
      try compare(op, dtype, "axis 0", dtype: dtype, [3, 3]) { try $0.concat(rows, axis: 0, $1) }
    case .slice:
      let x = input(dtype, [4, 5, 2], domain: .signed)
      try compare(op, dtype, "", dtype: dtype, [2, 3, 1]) {
        try $0.slice(x, starts: [1, 2, 1], $1)
      }
    case .pad:
      let x = input(dtype, [2, 3], domain: .signed)
      try compare(op, dtype, "", dtype: dtype, [4, 5]) {
        try $0.pad(x, before: [1, 2], value: 1, $1)
      }
    case .gather:
      let x = input(dtype, [5, 3], domain: .signed)
      let indices = integers(.int32, [2, 2], below: 5)
      try compare(op, dtype, "axis 0", dtype: dtype, [2, 2, 3]) {
        try $0.gather(x, indices, axis: 0, $1)
      }
      let wide = integers(.int64, [4], below: 3)
      try compare(op, dtype, "axis 1", dtype: dtype, [5, 4]) {
        try $0.gather(x, wide, axis: 1, $1)
      }
    default:
      let updates = input(dtype, [6, 3], domain: .signed)
      let indices = integers(.int32, [6], below: 4)
      let start = input(dtype, [4, 3], domain: .signed)
      try compare(op, dtype, "axis 0", dtype: dtype, [4, 3]) { backend, out in
        try backend.copy(start, out)
        try backend.scatterAdd(updates, indices, axis: 0, out)
      }
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
    ]
    for (left, right, ta, tb, outShape) in cases {
      let a = input(dtype, left, domain: .signed)
      let b = input(dtype, right, domain: .signed)
      try compare(
        .matmul, dtype, "\(left)\(ta ? "ᵀ" : "")·\(right)\(tb ? "ᵀ" : "")", dtype: dtype,
        outShape
      ) { try $0.matmul(a, b, transposeA: ta, transposeB: tb, $1) }
    }
  }

  private mutating func checkFused(_ op: OpCode, _ dtype: DType) throws {
    let shape: Shape = [3, 7]
    let x = input(dtype, shape, domain: .signed)
    let g = input(dtype, shape, domain: .signed)
    let m = input(dtype, shape, domain: .signed)
    let v = input(dtype, shape, domain: .positive)
    let hyper = AdamHyperparameters(
      learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3)
    let reference = self.reference
    // The fused updates work in place: every backend starts from copies of the same state.
    func run(_ backend: any Backend, _ out: TensorBuffer) throws {
      switch op {
      case .softmax: try Self.family(SoftmaxKernels.self, backend).softmax(x, out)
      case .logSoftmax: try Self.family(SoftmaxKernels.self, backend).logSoftmax(x, out)
      case .sgdUpdate:
        let velocity = try Self.cloned(m, reference)
        try backend.copy(x, out)
        try Self.family(OptimizerKernels.self, backend).sgdUpdate(
          variable: out, gradient: g, velocity: velocity, learningRate: 0.1, momentum: 0.9,
          nesterov: true)
      default:
        let (first, second) = (try Self.cloned(m, reference), try Self.cloned(v, reference))
        try backend.copy(x, out)
        try Self.family(OptimizerKernels.self, backend).adamUpdate(
          variable: out, gradient: g, m: first, v: second, hyper)
      }
    }
    try compare(op, dtype, "", dtype: dtype, shape, run)
  }

  private static func family<F>(_ type: F.Type, _ backend: any Backend) throws -> F {
    guard let kernels = backend as? F else {
      throw PlexusError.unsupported(op: "\(F.self)", dtype: .float32, backend: backend.name)
    }
    return kernels
  }

  private static func cloned(_ x: TensorBuffer, _ reference: any Backend) throws -> TensorBuffer {
    let copy = TensorBuffer(dtype: x.dtype, shape: x.shape)
    try reference.copy(x, copy)
    return copy
  }

  /// Runs `body` on both backends into fresh outputs and records any disagreement.
  private mutating func compare(
    _ op: OpCode, _ inputType: DType, _ note: String, dtype: DType, _ shape: Shape,
    _ body: (any Backend, TensorBuffer) throws -> Void
  ) throws {
    let label = "\(op) \(inputType) \(note)".trimmingSuffix()
    let expected = TensorBuffer(dtype: dtype, shape: shape)
    let actual = TensorBuffer(dtype: dtype, shape: shape)
    do {
      try body(reference, expected)
    } catch {
      mismatches.append("\(label): the reference backend failed: \(error)")
      return
    }
    do {
      try body(backend, actual)
    } catch {
      mismatches.append("\(label): \(backend.name) threw \(error)")
      return
    }
    let want = bufferValues(expected)
    let got = bufferValues(actual)
    let tolerance = dtype == .float32 ? 1e-4 : dtype == .float64 ? 1e-9 : 0
    for index in want.indices {
      let (w, g) = (want[index], got[index])
      if w.isNaN && g.isNaN { continue }
      guard Swift.abs(w - g) <= tolerance * Swift.max(1, Swift.abs(w)) else {
        mismatches.append("\(label): element \(index) is \(g), expected \(w)")
        return
      }
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
  private mutating func input(_ dtype: DType, _ shape: Shape, domain: Domain) -> TensorBuffer {
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
private struct SplitMix64 {
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

import CPlexusPlugin

/// The unary elementwise ops this plugin runs: `out[i] = f(x[i])`, `out` of `x`'s dtype and
/// shape. NaN propagates through every one.
enum UnaryOp {
  /// `-x`.
  case negate
  /// `x < 0 ? 0 : x`: NaN fails the test and stays NaN.
  case relu
  /// `|x|`.
  case abs
  /// `x * x`.
  case square
  /// `e^x`.
  case exp
  /// `tanh(x)`.
  case tanh
  /// `1 / (1 + e^-x)`.
  case sigmoid

  /// The op with this id (`PX_OP_*`), or nil.
  init?(id: UInt32) {
    switch id {
    case PX_OP_NEGATE.rawValue: self = .negate
    case PX_OP_RELU.rawValue: self = .relu
    case PX_OP_ABS.rawValue: self = .abs
    case PX_OP_SQUARE.rawValue: self = .square
    case PX_OP_EXP.rawValue: self = .exp
    case PX_OP_TANH.rawValue: self = .tanh
    case PX_OP_SIGMOID.rawValue: self = .sigmoid
    default: return nil
    }
  }

  /// The op's name, as OpCode.swift spells it.
  var name: String {
    switch self {
    case .negate: "negate"
    case .relu: "relu"
    case .abs: "abs"
    case .square: "square"
    case .exp: "exp"
    case .tanh: "tanh"
    case .sigmoid: "sigmoid"
    }
  }

  /// Checks and runs `record`: input x, one output of x's dtype and shape.
  func run(_ record: OpRecordView) throws(OpFailure) {
    try record.requireCounts(inputs: 1, outputs: 1)
    let type = try record.elementType()
    let x = try record.input(0, "x", type)
    let out = try record.output(0, type)
    guard out.shape == x.shape else {
      throw .invalid(
        name,
        "expected an output of x's shape \(describe(x.shape)), received \(describe(out.shape))")
    }
    try record.requireDisjoint(out, from: [x])
    guard x.count > 0 else { return }
    switch type {
    case .float32: try apply(x, out, Float.self)
    case .float64: try apply(x, out, Double.self)
    }
  }

  /// Runs the op over `x` into `out` in `T`.
  private func apply<T: FloatElement>(_ x: TensorView, _ out: TensorView, _: T.Type)
    throws(OpFailure)
  {
    let source = UnsafePointer(try x.elements(T.self, op: name))
    let destination = try out.elements(T.self, op: name)
    let count = x.count
    switch self {
    case .negate: map(source, destination, count) { -$0 }
    case .relu: map(source, destination, count) { $0 < 0 ? 0 : $0 }
    case .abs: map(source, destination, count) { Swift.abs($0) }
    case .square: map(source, destination, count) { $0 * $0 }
    case .exp: map(source, destination, count) { T.exp($0) }
    case .tanh: map(source, destination, count) { T.tanh($0) }
    case .sigmoid:
      // As the reference backend computes it: one exp of -|x|, which never overflows, so that
      // very negative inputs keep their tiny values instead of becoming 1 / (1 + inf).
      map(source, destination, count) { value in
        let e = T.exp(-Swift.abs(value))
        let r = 1 / (1 + e)
        return value >= 0 ? r : e * r
      }
    }
  }
}

/// The binary elementwise ops this plugin runs: `out = f(a, b)` with NumPy broadcasting, `a`,
/// `b` and `out` of one dtype, `out` of the broadcast shape.
enum BinaryOp {
  /// `a + b`.
  case add
  /// `a - b`.
  case subtract
  /// `a * b`.
  case multiply
  /// The larger of `a` and `b`; NaN when either is.
  case maximum
  /// The smaller of `a` and `b`; NaN when either is.
  case minimum

  /// The op with this id (`PX_OP_*`), or nil.
  init?(id: UInt32) {
    switch id {
    case PX_OP_ADD.rawValue: self = .add
    case PX_OP_SUBTRACT.rawValue: self = .subtract
    case PX_OP_MULTIPLY.rawValue: self = .multiply
    case PX_OP_MAXIMUM.rawValue: self = .maximum
    case PX_OP_MINIMUM.rawValue: self = .minimum
    default: return nil
    }
  }

  /// The op's name, as OpCode.swift spells it.
  var name: String {
    switch self {
    case .add: "add"
    case .subtract: "subtract"
    case .multiply: "multiply"
    case .maximum: "maximum"
    case .minimum: "minimum"
    }
  }

  /// Checks and runs `record`: inputs a and b, one output of their broadcast shape.
  func run(_ record: OpRecordView) throws(OpFailure) {
    try record.requireCounts(inputs: 2, outputs: 1)
    let type = try record.elementType()
    let a = try record.input(0, "a", type)
    let b = try record.input(1, "b", type)
    let out = try record.output(0, type)
    guard let shape = BroadcastPlan.shape(a.shape, b.shape) else {
      throw .invalid(
        name,
        "a \(describe(a.shape)) and b \(describe(b.shape)) do not broadcast: expected each pair "
          + "of trailing sizes to be equal or 1")
    }
    guard out.shape == shape else {
      throw .invalid(
        name,
        "expected an output of the broadcast shape \(describe(shape)) of a \(describe(a.shape)) "
          + "and b \(describe(b.shape)), received \(describe(out.shape))")
    }
    try record.requireDisjoint(out, from: [a, b])
    guard out.count > 0 else { return }
    let plan = BroadcastPlan(a: a.shape, b: b.shape, out: out.shape)
    switch type {
    case .float32: try apply(a, b, out, plan, Float.self)
    case .float64: try apply(a, b, out, plan, Double.self)
    }
  }

  /// Runs the op over `a` and `b` into `out` in `T`.
  private func apply<T: FloatElement>(
    _ a: TensorView, _ b: TensorView, _ out: TensorView, _ plan: BroadcastPlan, _: T.Type
  ) throws(OpFailure) {
    let left = UnsafePointer(try a.elements(T.self, op: name))
    let right = UnsafePointer(try b.elements(T.self, op: name))
    let destination = try out.elements(T.self, op: name)
    switch self {
    case .add: plan.apply(left, right, destination) { $0 + $1 }
    case .subtract: plan.apply(left, right, destination) { $0 - $1 }
    case .multiply: plan.apply(left, right, destination) { $0 * $1 }
    // As the reference backend: `a` when it wins or is NaN, else `b` (NaN when `b` is).
    case .maximum: plan.apply(left, right, destination) { $0 > $1 || $0 != $0 ? $0 : $1 }
    case .minimum: plan.apply(left, right, destination) { $0 < $1 || $0 != $0 ? $0 : $1 }
    }
  }
}

/// `out[i] = transform(x[i])` for `i` in `0..<count`.
@inline(__always)
private func map<T>(
  _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ count: Int, _ transform: (T) -> T
) {
  for index in 0..<count { out[index] = transform(x[index]) }
}

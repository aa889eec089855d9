extension Ops {
  // MARK: Unary

  /// Applies a unary primitive elementwise.
  public static func unary(_ op: OpCode, _ x: Tensor) throws -> Tensor {
    guard op.family == .unary else {
      throw PlexusError.invalidArgument(context: "Ops.unary", message: "\(op) is not a unary op")
    }
    let outType: DType = op.producesBool ? .bool : x.dtype
    return try Dispatcher.execute(op, x, output: outType, x.shape)
  }

  /// `-x`.
  public static func negative(_ x: Tensor) throws -> Tensor { try unary(.negate, x) }
  /// `e^x`.
  public static func exp(_ x: Tensor) throws -> Tensor { try unary(.exp, x) }
  /// Natural logarithm.
  public static func log(_ x: Tensor) throws -> Tensor { try unary(.log, x) }
  /// Square root.
  public static func sqrt(_ x: Tensor) throws -> Tensor { try unary(.sqrt, x) }
  /// `1 / sqrt(x)`.
  public static func rsqrt(_ x: Tensor) throws -> Tensor { try unary(.rsqrt, x) }
  /// Hyperbolic tangent.
  public static func tanh(_ x: Tensor) throws -> Tensor { try unary(.tanh, x) }
  /// `1 / (1 + e^-x)`.
  public static func sigmoid(_ x: Tensor) throws -> Tensor { try unary(.sigmoid, x) }
  /// `max(x, 0)`.
  public static func relu(_ x: Tensor) throws -> Tensor { try unary(.relu, x) }
  /// `|x|`.
  public static func abs(_ x: Tensor) throws -> Tensor { try unary(.abs, x) }
  /// -1, 0 or 1.
  public static func sign(_ x: Tensor) throws -> Tensor { try unary(.sign, x) }
  /// `x²`.
  public static func square(_ x: Tensor) throws -> Tensor { try unary(.square, x) }
  /// `1 / x`.
  public static func reciprocal(_ x: Tensor) throws -> Tensor { try unary(.reciprocal, x) }
  /// Sine.
  public static func sin(_ x: Tensor) throws -> Tensor { try unary(.sin, x) }
  /// Cosine.
  public static func cos(_ x: Tensor) throws -> Tensor { try unary(.cos, x) }
  /// Rounds down.
  public static func floor(_ x: Tensor) throws -> Tensor { try unary(.floor, x) }
  /// Rounds up.
  public static func ceil(_ x: Tensor) throws -> Tensor { try unary(.ceil, x) }
  /// Rounds half to even.
  public static func round(_ x: Tensor) throws -> Tensor { try unary(.round, x) }
  /// The Gauss error function.
  public static func erf(_ x: Tensor) throws -> Tensor { try unary(.erf, x) }
  /// `e^x - 1`, accurate near 0.
  public static func expm1(_ x: Tensor) throws -> Tensor { try unary(.expm1, x) }
  /// `log(1 + x)`, accurate near 0.
  public static func log1p(_ x: Tensor) throws -> Tensor { try unary(.log1p, x) }
  /// Logical not of a `bool` tensor.
  public static func logicalNot(_ x: Tensor) throws -> Tensor { try unary(.logicalNot, x) }

  // MARK: Binary

  /// Applies a binary primitive elementwise with NumPy broadcasting; operands of different
  /// dtypes are first cast to the wider one.
  public static func binary(_ op: OpCode, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard op.family == .binary else {
      throw PlexusError.invalidArgument(context: "Ops.binary", message: "\(op) is not binary")
    }
    if a.dtype != b.dtype {
      let common = promotedType(a.dtype, b.dtype)
      return try binary(op, cast(a, to: common), cast(b, to: common))
    }
    guard let broadcast = Shape.broadcast(a.shape, b.shape) else {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "a shape that broadcasts with \(a.shape)",
        received: "\(b.shape)")
    }
    let shape = try broadcast.validated(context: "\(op)")
    let outType: DType = op.producesBool ? .bool : a.dtype
    return try Dispatcher.execute(op, a, b, output: outType, shape)
  }

  /// `a + b`.
  public static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.add, a, b) }
  /// `a - b`.
  public static func subtract(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.subtract, a, b)
  }
  /// `a * b`.
  public static func multiply(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.multiply, a, b)
  }
  /// `a / b` (truncating for integers).
  public static func divide(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.divide, a, b)
  }
  /// `a ** b`.
  public static func power(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.power, a, b) }
  /// Elementwise maximum.
  public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.maximum, a, b)
  }
  /// Elementwise minimum.
  public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.minimum, a, b)
  }
  /// `a == b`, as `bool`.
  public static func equal(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.equal, a, b) }
  /// `a != b`, as `bool`.
  public static func notEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.notEqual, a, b)
  }
  /// `a < b`, as `bool`.
  public static func less(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.less, a, b) }
  /// `a <= b`, as `bool`.
  public static func lessEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.lessEqual, a, b)
  }
  /// `a > b`, as `bool`.
  public static func greater(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.greater, a, b)
  }
  /// `a >= b`, as `bool`.
  public static func greaterEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.greaterEqual, a, b)
  }
  /// Logical and of `bool` tensors.
  public static func logicalAnd(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.logicalAnd, a, b)
  }
  /// Logical or of `bool` tensors.
  public static func logicalOr(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try binary(.logicalOr, a, b)
  }

  // MARK: Selection, conversion, copies

  /// `condition ? a : b` elementwise, all three broadcast. Equivalent to `keras.ops.where`.
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let condition = condition.dtype == .bool ? condition : try cast(condition, to: .bool)
    if a.dtype != b.dtype {
      let common = promotedType(a.dtype, b.dtype)
      return try self.where(condition, cast(a, to: common), cast(b, to: common))
    }
    guard let ab = Shape.broadcast(a.shape, b.shape),
      let broadcast = Shape.broadcast(condition.shape, ab)
    else {
      throw PlexusError.shapeMismatch(
        context: "where", expected: "shapes that broadcast together",
        received: "\(condition.shape), \(a.shape), \(b.shape)")
    }
    let shape = try broadcast.validated(context: "where")
    return try Dispatcher.execute(.select, [condition, a, b], output: a.dtype, shape)
  }

  /// Converts `x` to `dtype` (a no-op when it already has it).
  public static func cast(_ x: Tensor, to dtype: DType) throws -> Tensor {
    guard x.dtype != dtype else { return x }
    return try Dispatcher.execute(
      .cast, x, [.targetDType: .dtype(dtype)], output: dtype, x.shape)
  }

  /// A copy of `x` in new storage.
  public static func copy(_ x: Tensor) throws -> Tensor {
    return try Dispatcher.execute(.copy, x, output: x.dtype, x.shape)
  }

  /// `x`, with no gradient flowing back through it.
  public static func stopGradient(_ x: Tensor) -> Tensor { Tensor(x.buffer) }
}

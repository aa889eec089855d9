import BackendProtocol

extension ReferenceBackend {
  /// Elementwise binary op with NumPy broadcasting; comparisons and logical ops write `bool`.
  public func binary(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer)
    throws
  {
    let operands = BinaryOperands(a: a, b: b, out: out, parallel: parallel)
    if op.producesBool {
      try compare(op, operands)
      return
    }
    switch a.dtype {
    case .float32: try realBinary(op, operands, Float.self)
    case .float64: try realBinary(op, operands, Double.self)
    case .int32: try integerBinary(op, operands, Int32.self)
    case .int64: try integerBinary(op, operands, Int64.self)
    case .uint8, .bool, .bfloat16: throw unsupported(op, a.dtype)
    }
  }

  private func realBinary<T: RealElement>(
    _ op: OpCode, _ operands: BinaryOperands, _ type: T.Type
  ) throws {
    switch op {
    case .add: operands.apply(T.self, T.self) { $0 + $1 }
    case .subtract: operands.apply(T.self, T.self) { $0 - $1 }
    case .multiply: operands.apply(T.self, T.self) { $0 * $1 }
    case .divide: operands.apply(T.self, T.self) { $0 / $1 }
    case .maximum: operands.apply(T.self, T.self) { T.larger($0, $1) }
    case .minimum: operands.apply(T.self, T.self) { T.smaller($0, $1) }
    case .power: operands.apply(T.self, T.self) { T.pow($0, $1) }
    default: throw unsupported(op, operands.a.dtype)
    }
  }

  private func integerBinary<T: ArithmeticElement & FixedWidthInteger>(
    _ op: OpCode, _ operands: BinaryOperands, _ type: T.Type
  ) throws {
    switch op {
    case .add: operands.apply(T.self, T.self) { $0 &+ $1 }
    case .subtract: operands.apply(T.self, T.self) { $0 &- $1 }
    case .multiply: operands.apply(T.self, T.self) { $0 &* $1 }
    case .divide: operands.apply(T.self, T.self) { T.quotient($0, $1) }
    case .maximum: operands.apply(T.self, T.self) { T.larger($0, $1) }
    case .minimum: operands.apply(T.self, T.self) { T.smaller($0, $1) }
    default: throw unsupported(op, operands.a.dtype)
    }
  }

  private func compare(_ op: OpCode, _ operands: BinaryOperands) throws {
    switch operands.a.dtype {
    case .float32: try ordered(op, operands, Float.self)
    case .float64: try ordered(op, operands, Double.self)
    case .int32: try ordered(op, operands, Int32.self)
    case .int64: try ordered(op, operands, Int64.self)
    case .uint8:
      switch op {
      case .equal: operands.apply(UInt8.self, UInt8.self) { $0 == $1 ? 1 : 0 }
      case .notEqual: operands.apply(UInt8.self, UInt8.self) { $0 != $1 ? 1 : 0 }
      default: throw unsupported(op, .uint8)
      }
    case .bool:
      // Compare truth values, not bytes, so a stray non-0/1 byte still reads as true.
      switch op {
      case .equal: operands.apply(UInt8.self, UInt8.self) { ($0 != 0) == ($1 != 0) ? 1 : 0 }
      case .notEqual: operands.apply(UInt8.self, UInt8.self) { ($0 != 0) != ($1 != 0) ? 1 : 0 }
      case .logicalAnd: operands.apply(UInt8.self, UInt8.self) { $0 != 0 && $1 != 0 ? 1 : 0 }
      case .logicalOr: operands.apply(UInt8.self, UInt8.self) { $0 != 0 || $1 != 0 ? 1 : 0 }
      default: throw unsupported(op, .bool)
      }
    case .bfloat16: throw unsupported(op, .bfloat16)
    }
  }

  private func ordered<T: ArithmeticElement>(
    _ op: OpCode, _ operands: BinaryOperands, _ type: T.Type
  ) throws {
    switch op {
    case .equal: operands.apply(T.self, UInt8.self) { $0 == $1 ? 1 : 0 }
    case .notEqual: operands.apply(T.self, UInt8.self) { $0 != $1 ? 1 : 0 }
    case .less: operands.apply(T.self, UInt8.self) { $0 < $1 ? 1 : 0 }
    case .lessEqual: operands.apply(T.self, UInt8.self) { $0 <= $1 ? 1 : 0 }
    case .greater: operands.apply(T.self, UInt8.self) { $0 > $1 ? 1 : 0 }
    case .greaterEqual: operands.apply(T.self, UInt8.self) { $0 >= $1 ? 1 : 0 }
    default: throw unsupported(op, operands.a.dtype)
    }
  }
}

import BackendProtocol

extension ReferenceBackend {
  /// Elementwise unary op; `out` has `x`'s shape.
  public func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws {
    switch x.dtype {
    case .float32: try realUnary(op, x.pointer(Float.self), out.pointer(Float.self), x.count)
    case .float64: try realUnary(op, x.pointer(Double.self), out.pointer(Double.self), x.count)
    case .int32: try integerUnary(op, x.pointer(Int32.self), out.pointer(Int32.self), x.count)
    case .int64: try integerUnary(op, x.pointer(Int64.self), out.pointer(Int64.self), x.count)
    case .bool where op == .logicalNot:
      let source = x.pointer(UInt8.self)
      let destination = out.pointer(UInt8.self)
      parallel.map(source, destination, x.count) { $0 == 0 ? 1 : 0 }
    case .uint8, .bool, .bfloat16: throw unsupported(op, x.dtype)
    }
  }

  private func realUnary<T: RealElement>(
    _ op: OpCode, _ x: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<T>, _ count: Int
  ) throws {
    let parallel = self.parallel
    // Transcendental functions are library calls per element: worth threads sooner.
    let grain = Parallel.minimumParallelCount / 4
    switch op {
    case .negate: parallel.map(x, out, count) { -$0 }
    case .abs: parallel.map(x, out, count) { Swift.abs($0) }
    case .sign: parallel.map(x, out, count) { T.signOf($0) }
    case .square: parallel.map(x, out, count) { $0 * $0 }
    // `x < 0 ? 0 : x`, not `x > 0 ? x : 0`: NaN fails both tests and must come out as NaN.
    case .relu: parallel.map(x, out, count) { $0 < 0 ? 0 : $0 }
    case .sqrt: parallel.map(x, out, count) { $0.squareRoot() }
    case .rsqrt: parallel.map(x, out, count) { 1 / $0.squareRoot() }
    case .reciprocal: parallel.map(x, out, count) { 1 / $0 }
    case .floor: parallel.map(x, out, count) { $0.rounded(.down) }
    case .ceil: parallel.map(x, out, count) { $0.rounded(.up) }
    case .round: parallel.map(x, out, count) { $0.rounded(.toNearestOrEven) }
    case .exp: parallel.map(x, out, count, grain: grain) { T.exp($0) }
    case .log: parallel.map(x, out, count, grain: grain) { T.log($0) }
    case .tanh: parallel.map(x, out, count, grain: grain) { T.tanh($0) }
    case .sin: parallel.map(x, out, count, grain: grain) { T.sin($0) }
    case .cos: parallel.map(x, out, count, grain: grain) { T.cos($0) }
    case .erf: parallel.map(x, out, count, grain: grain) { T.erf($0) }
    case .expm1: parallel.map(x, out, count, grain: grain) { T.expm1($0) }
    case .log1p: parallel.map(x, out, count, grain: grain) { T.log1p($0) }
    case .sigmoid:
      // One exp of -|x| never overflows: 1/(1+e) for x >= 0, e/(1+e) below.
      parallel.map(x, out, count, grain: grain) { value in
        let e = T.exp(-Swift.abs(value))
        let r = 1 / (1 + e)
        return value >= 0 ? r : e * r
      }
    default: throw unsupported(op, T.self == Float.self ? .float32 : .float64)
    }
  }

  private func integerUnary<T: ArithmeticElement & FixedWidthInteger>(
    _ op: OpCode, _ x: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<T>, _ count: Int
  ) throws {
    let parallel = self.parallel
    switch op {
    case .negate: parallel.map(x, out, count) { T.negated($0) }
    case .abs: parallel.map(x, out, count) { T.absolute($0) }
    case .sign: parallel.map(x, out, count) { T.signOf($0) }
    case .square: parallel.map(x, out, count) { $0 &* $0 }
    default: throw unsupported(op, T.self == Int32.self ? .int32 : .int64)
    }
  }
}

extension Parallel {
  /// `out[i] = transform(x[i])`, chunked across threads for large counts.
  @inline(__always)
  func map<T, U>(
    _ x: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<U>, _ count: Int,
    grain: Int = Parallel.minimumParallelCount, _ transform: (T) -> U
  ) {
    forEachChunk(count, grain: grain) { range in
      for index in range { out[index] = transform(x[index]) }
    }
  }
}

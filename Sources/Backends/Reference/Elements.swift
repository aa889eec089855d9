import Glibc

/// Element types the reference kernels are generic over. Generic code in this module is
/// specialised per concrete type by the optimiser, so these protocols cost nothing at run time.

/// An element that can be produced from and converted to the framework's scalar carriers
/// (`Double` for floating-point sources, `Int64` for everything else), as `cast` requires.
protocol CastElement {
  /// True when values of this type are best carried as `Double`.
  static var carriesAsDouble: Bool { get }
  /// The value as a `Double` (used when `carriesAsDouble`).
  var doubleValue: Double { get }
  /// The value as an `Int64` (used when not `carriesAsDouble`).
  var int64Value: Int64 { get }
  /// Converts from `Double`: integers truncate toward zero and saturate, NaN becomes 0,
  /// `bool` becomes `value != 0`.
  init(castingDouble value: Double)
  /// Converts from `Int64`: integers wrap as NumPy does, `bool` becomes `value != 0`.
  init(castingInt64 value: Int64)
}

/// `bool` as stored: one byte, 0 or 1. Read as "non-zero is true" so foreign bytes never
/// surprise a kernel.
struct BoolByte: CastElement, Equatable {
  var raw: UInt8
  init(raw: UInt8) { self.raw = raw }
  static var carriesAsDouble: Bool { false }
  var doubleValue: Double { raw != 0 ? 1 : 0 }
  var int64Value: Int64 { raw != 0 ? 1 : 0 }
  init(castingDouble value: Double) { raw = value != 0 ? 1 : 0 }
  init(castingInt64 value: Int64) { raw = value != 0 ? 1 : 0 }
  static func == (lhs: BoolByte, rhs: BoolByte) -> Bool { (lhs.raw != 0) == (rhs.raw != 0) }
}

extension UInt8: CastElement {
  static var carriesAsDouble: Bool { false }
  var doubleValue: Double { Double(self) }
  var int64Value: Int64 { Int64(self) }
  init(castingDouble value: Double) {
    self = value.isNaN ? 0 : value <= 0 ? 0 : value >= 255 ? 255 : UInt8(value)
  }
  init(castingInt64 value: Int64) { self = UInt8(truncatingIfNeeded: value) }
}

/// Float32, float64, int32 and int64: the types arithmetic and reductions run on.
protocol ArithmeticElement: CastElement, Numeric, Comparable {
  /// The largest and smallest values, the identities of `min` and `max`.
  static var highest: Self { get }
  static var lowest: Self { get }
  /// Division: true division for floats, truncating for integers (0 for a zero divisor).
  static func quotient(_ a: Self, _ b: Self) -> Self
  /// The larger of two values; NaN propagates for floats.
  static func larger(_ a: Self, _ b: Self) -> Self
  /// The smaller of two values; NaN propagates for floats.
  static func smaller(_ a: Self, _ b: Self) -> Self
  /// -1, 0 or 1.
  static func signOf(_ x: Self) -> Self
  /// The absolute value (wrapping for the most negative integer).
  static func absolute(_ x: Self) -> Self
  /// Negation (wrapping for the most negative integer).
  static func negated(_ x: Self) -> Self
  /// Addition that wraps for integers instead of trapping.
  static func sum(_ a: Self, _ b: Self) -> Self
  /// Multiplication that wraps for integers instead of trapping.
  static func product(_ a: Self, _ b: Self) -> Self
  /// The sum of `count` contiguous elements.
  static func sumRow(_ p: UnsafePointer<Self>, _ count: Int) -> Self
}

extension ArithmeticElement where Self: FixedWidthInteger & SignedInteger {
  static var carriesAsDouble: Bool { false }
  var doubleValue: Double { Double(self) }
  var int64Value: Int64 { Int64(self) }
  init(castingDouble value: Double) {
    if value.isNaN {
      self = 0
    } else if value >= Double(Self.max) {
      self = .max
    } else if value <= Double(Self.min) {
      self = .min
    } else {
      self = Self(value)
    }
  }
  init(castingInt64 value: Int64) { self = Self(truncatingIfNeeded: value) }
  static var highest: Self { .max }
  static var lowest: Self { .min }
  @inline(__always) static func quotient(_ a: Self, _ b: Self) -> Self {
    b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
  }
  @inline(__always) static func larger(_ a: Self, _ b: Self) -> Self { a > b ? a : b }
  @inline(__always) static func smaller(_ a: Self, _ b: Self) -> Self { a < b ? a : b }
  @inline(__always) static func signOf(_ x: Self) -> Self { x > 0 ? 1 : x < 0 ? -1 : 0 }
  @inline(__always) static func absolute(_ x: Self) -> Self { x < 0 ? 0 &- x : x }
  @inline(__always) static func negated(_ x: Self) -> Self { 0 &- x }
  @inline(__always) static func sum(_ a: Self, _ b: Self) -> Self { a &+ b }
  @inline(__always) static func product(_ a: Self, _ b: Self) -> Self { a &* b }
  static func sumRow(_ p: UnsafePointer<Self>, _ count: Int) -> Self {
    var total: Self = 0
    for index in 0..<count { total &+= p[index] }
    return total
  }
}

extension Int32: ArithmeticElement {}
extension Int64: ArithmeticElement {}

/// Float32 and float64: every op, including the transcendental ones.
protocol RealElement: ArithmeticElement, BinaryFloatingPoint {
  static func exp(_ x: Self) -> Self
  static func log(_ x: Self) -> Self
  static func tanh(_ x: Self) -> Self
  static func sin(_ x: Self) -> Self
  static func cos(_ x: Self) -> Self
  static func erf(_ x: Self) -> Self
  static func expm1(_ x: Self) -> Self
  static func log1p(_ x: Self) -> Self
  static func pow(_ x: Self, _ y: Self) -> Self
  init(_ value: Double)
}

extension RealElement {
  static var carriesAsDouble: Bool { true }
  static var highest: Self { .infinity }
  static var lowest: Self { -.infinity }
  var int64Value: Int64 { Int64(castingDouble: doubleValue) }
  init(castingInt64 value: Int64) { self.init(Double(value)) }
  @inline(__always) static func quotient(_ a: Self, _ b: Self) -> Self { a / b }
  @inline(__always) static func larger(_ a: Self, _ b: Self) -> Self {
    a > b || a != a ? a : b
  }
  @inline(__always) static func smaller(_ a: Self, _ b: Self) -> Self {
    a < b || a != a ? a : b
  }
  @inline(__always) static func signOf(_ x: Self) -> Self {
    x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x
  }
  @inline(__always) static func absolute(_ x: Self) -> Self { Swift.abs(x) }
  @inline(__always) static func negated(_ x: Self) -> Self { -x }
  @inline(__always) static func sum(_ a: Self, _ b: Self) -> Self { a + b }
  @inline(__always) static func product(_ a: Self, _ b: Self) -> Self { a * b }
}

extension RealElement where Self: SIMDScalar {
  /// Sixteen running sums, one per lane, then a horizontal add: vectorised (LLVM will not
  /// reassociate a scalar float loop) and more accurate than one running sum.
  @inline(__always)
  static func sumRow(_ p: UnsafePointer<Self>, _ count: Int) -> Self {
    var lanes = SIMD16<Self>()
    let raw = UnsafeRawPointer(p)
    let stride = MemoryLayout<SIMD16<Self>>.stride
    let vectors = count / 16
    for index in 0..<vectors {
      lanes += raw.loadUnaligned(fromByteOffset: index * stride, as: SIMD16<Self>.self)
    }
    var total = lanes.sum()
    for index in (vectors * 16)..<count { total += p[index] }
    return total
  }
}

extension Float: RealElement {
  var doubleValue: Double { Double(self) }
  init(castingDouble value: Double) { self = Float(value) }
  @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
  @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
  @inline(__always) static func tanh(_ x: Float) -> Float { tanhf(x) }
  @inline(__always) static func sin(_ x: Float) -> Float { sinf(x) }
  @inline(__always) static func cos(_ x: Float) -> Float { cosf(x) }
  @inline(__always) static func erf(_ x: Float) -> Float { erff(x) }
  @inline(__always) static func expm1(_ x: Float) -> Float { expm1f(x) }
  @inline(__always) static func log1p(_ x: Float) -> Float { log1pf(x) }
  @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: RealElement {
  var doubleValue: Double { self }
  init(castingDouble value: Double) { self = value }
  @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inline(__always) static func log(_ x: Double) -> Double { Glibc.log(x) }
  @inline(__always) static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
  @inline(__always) static func sin(_ x: Double) -> Double { Glibc.sin(x) }
  @inline(__always) static func cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inline(__always) static func erf(_ x: Double) -> Double { Glibc.erf(x) }
  @inline(__always) static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
  @inline(__always) static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
  @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}

/// The dimensions of a row-major, contiguous tensor.
public struct Shape: Hashable, Sendable, Codable, ExpressibleByArrayLiteral,
  RandomAccessCollection, CustomStringConvertible
{
  /// The sizes of each axis, outermost first.
  public var dims: [Int]

  /// Creates a shape from its axis sizes.
  public init(_ dims: [Int]) { self.dims = dims }

  /// Creates a shape from an array literal: `[32, 784]`.
  public init(arrayLiteral elements: Int...) { self.dims = elements }

  /// The number of axes.
  public var rank: Int { dims.count }

  /// The number of elements (1 for a scalar); `Int.max` when the product overflows, so that
  /// ``validated(context:)`` can reject it instead of trapping.
  public var elementCount: Int {
    var total = 1
    for dimension in dims {
      let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
      if overflow { return Int.max }
      total = product
    }
    return total
  }

  /// The largest element count Plexus allocates: as many 8-byte elements as the machine has
  /// physical memory (``Storage/maximumByteCount``), so that a validated tensor of any dtype is
  /// one this machine can hold.
  public static let maximumElementCount = Storage.maximumByteCount / 8

  /// This shape, when every axis is non-negative and the product of its non-zero axes is at
  /// most ``maximumElementCount``; otherwise an error naming `context`.
  ///
  /// Zero axes are left out of the product on purpose (as NumPy does): an empty tensor of
  /// shape `(0, 2⁶², 2⁶²)` would otherwise pass, and every later product of its axes (strides,
  /// a mean's divisor, a flattened size) would overflow.
  public func validated(context: @autoclosure () -> String) throws -> Shape {
    guard isValid else {
      throw PlexusError.invalidArgument(
        context: context(), message: "expected non-negative axis sizes, received \(self)")
    }
    var total = 1
    for dimension in dims where dimension != 0 {
      let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= Shape.maximumElementCount else {
        throw PlexusError.invalidArgument(
          context: context(),
          message: "shape \(self) needs more than \(Shape.maximumElementCount) elements, the "
            + "most this machine's memory holds")
      }
      total = product
    }
    return self
  }

  /// Row-major strides, in elements; saturating at `Int.max` for a shape too large to validate.
  public var strides: [Int] {
    var result = [Int](repeating: 1, count: dims.count)
    var running = 1
    for axis in stride(from: dims.count - 1, through: 0, by: -1) {
      result[axis] = running
      let (product, overflow) = running.multipliedReportingOverflow(by: dims[axis])
      running = overflow ? Int.max : product
    }
    return result
  }

  /// True when every axis size is non-negative.
  public var isValid: Bool { dims.allSatisfy { $0 >= 0 } }

  public var startIndex: Int { dims.startIndex }
  public var endIndex: Int { dims.endIndex }
  public subscript(position: Int) -> Int {
    get { dims[position] }
    set { dims[position] = newValue }
  }

  /// Keras's tuple spelling: `(32, 784)`, `(10,)`, `()`.
  public var description: String {
    dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.map(String.init).joined(separator: ", ") + ")"
  }

  /// Normalises a possibly negative axis against `rank`, or returns nil when it is out of range.
  public static func normalize(axis: Int, rank: Int) -> Int? {
    // A negative axis plus a positive rank cannot overflow; a negative rank could.
    guard rank > 0 else { return nil }
    let resolved = axis < 0 ? axis + rank : axis
    return (0..<rank).contains(resolved) ? resolved : nil
  }

  /// The NumPy broadcast of two shapes, or nil when they are incompatible.
  public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
    let rank = Swift.max(a.rank, b.rank)
    var dims = [Int](repeating: 1, count: rank)
    for index in 0..<rank {
      let da = index < rank - a.rank ? 1 : a.dims[index - (rank - a.rank)]
      let db = index < rank - b.rank ? 1 : b.dims[index - (rank - b.rank)]
      if da == db || db == 1 {
        dims[index] = da
      } else if da == 1 {
        dims[index] = db
      } else {
        return nil
      }
    }
    return Shape(dims)
  }
}

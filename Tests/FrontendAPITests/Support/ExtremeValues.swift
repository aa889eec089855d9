import Testing

@testable import Plexus

/// The values a hostile caller tries first, and a check that a call survives them: it returns,
/// or it throws a ``PlexusError``. A trap would end the test process (and a C host's), so the
/// run stopping is itself the failure; any other error is recorded.
enum ExtremeValues {
  /// Sizes, axes, counts and offsets: the ends of `Int`, huge, negative, small and just past
  /// what this machine holds. No size between 2²⁰ and the machine's limit appears, so that no
  /// combination is a valid but slow allocation.
  static let ints: [Int] = [
    Int.min, Int.min + 1, -(1 << 62), -2, -1, 0, 1, 2, 3, Shape.maximumElementCount + 1,
    1 << 62, Int.max - 1, Int.max,
  ]

  /// Scalars: NaN, the infinities, signed zeros, the ends of `Double` and ordinary values.
  static let doubles: [Double] = [
    .nan, .infinity, -.infinity, 0, -0.0, 1, -1, 0.5, 1e300, -1e300, .leastNonzeroMagnitude,
    .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
  ]

  /// Shapes of rank 0 to 2 built from ``ints``, alone and next to 0 and 2.
  static let shapes: [Shape] =
    [[]]
    + ints.flatMap { size -> [Shape] in
      [[size], [0, size], [size, 0], [2, size], [size, size]]
    }

  static let dtypes: [DType] = [.float32, .float64, .int32, .int64, .uint8, .bool]

  /// Small tensors of every dtype holding each dtype's extremes, plus empty and scalar ones.
  static func tensors() throws -> [Tensor] {
    let floats: [Float] = [.nan, .infinity, -.infinity, -0.0, .greatestFiniteMagnitude, 1]
    let doubles: [Double] = [.nan, .infinity, -.infinity, -0.0, .greatestFiniteMagnitude, 1]
    return [
      try Tensor(floats, shape: [2, 3]),
      try Tensor(doubles, shape: [3, 2]),
      try Tensor([Int32.min, Int32.max, -1, 0, 1, 2], shape: [2, 3]),
      try Tensor([Int64.min, Int64.max, 0], shape: [3]),
      try Tensor([Int64.max], shape: [1]),
      try Tensor([Int32.max, Int32.max], shape: [2, 1]),
      try Tensor([UInt8.max, 0, 1], shape: [3]),
      try Tensor([true, false], shape: [2]),
      try Tensor([Float](), shape: [0]),
      try Tensor([Float](), shape: [0, 3]),
      try Tensor([Double](), shape: [3, 0]),
      Tensor(Float.nan),
      Tensor(Int32.min),
    ]
  }

  /// Runs `body`; a result or a ``PlexusError`` passes, any other error is recorded.
  static func survive<T>(
    _ label: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> T
  ) {
    do {
      _ = try body()
    } catch is PlexusError {
    } catch {
      Issue.record("\(label()): unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }
}

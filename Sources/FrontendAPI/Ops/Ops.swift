/// NumPy-like operations on tensors, in the spirit of `keras.ops`.
///
/// Every function validates its arguments (throwing a ``PlexusError`` that names the op, the
/// expected and the received shape or dtype), runs through the ``Dispatcher`` on the selected
/// backend, and records itself on any recording ``GradientTape``.
public enum Ops {
  /// Wraps a computed buffer, recording the op when an input is tracked by a tape.
  @inline(__always)
  static func finish(_ op: @autoclosure () -> TapeOp, _ output: TensorBuffer, _ inputs: Tensor...)
    -> Tensor
  {
    guard inputs.contains(where: { $0.tapeID != 0 }) else { return Tensor(output) }
    return GradientTape.record(op(), inputs: inputs, output: output)
  }

  /// `finish` for an input list.
  static func finish(_ op: @autoclosure () -> TapeOp, _ output: TensorBuffer, inputs: [Tensor])
    -> Tensor
  {
    guard inputs.contains(where: { $0.tapeID != 0 }) else { return Tensor(output) }
    return GradientTape.record(op(), inputs: inputs, output: output)
  }

  /// The dtype two operands are computed in: the wider one, floats above integers.
  static func promotedType(_ a: DType, _ b: DType) -> DType {
    guard a != b else { return a }
    let order: [DType] = [.bool, .uint8, .int32, .int64, .bfloat16, .float32, .float64]
    let rankA = order.firstIndex(of: a) ?? 0
    let rankB = order.firstIndex(of: b) ?? 0
    return rankA >= rankB ? a : b
  }

  /// Resolves `axis` against `rank`, or throws naming `op`.
  static func normalizedAxis(
    _ axis: Int, rank: Int, op: @autoclosure () -> String
  ) throws -> Int {
    guard let resolved = Shape.normalize(axis: axis, rank: rank) else {
      throw PlexusError.invalidArgument(
        context: op(), message: "axis \(axis) is out of range for a tensor of rank \(rank)")
    }
    return resolved
  }

  /// Resolves, sorts and de-duplicates `axes` (nil means every axis).
  static func normalizedAxes(
    _ axes: [Int]?, rank: Int, op: @autoclosure () -> String
  ) throws -> [Int] {
    guard let axes else { return Array(0..<rank) }
    let sorted = try axes.map { try normalizedAxis($0, rank: rank, op: op()) }.sorted()
    // Sorted, so a repeated axis sits next to its twin.
    var unique: [Int] = []
    unique.reserveCapacity(sorted.count)
    for axis in sorted where unique.last != axis { unique.append(axis) }
    return unique
  }

  /// Checks that a tensor's dtype is floating point.
  static func requireFloat(_ x: Tensor, op: @autoclosure () -> String) throws {
    guard x.dtype.isFloatingPoint else {
      throw PlexusError.dtypeMismatch(
        context: op(), expected: "float32 or float64", received: "\(x.dtype)")
    }
  }
}

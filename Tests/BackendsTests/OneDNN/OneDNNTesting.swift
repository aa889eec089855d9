import BackendProtocol
import Plexus
import PlexusOneDNN
import PlexusTestSupport
import Testing

/// A record's result on oneDNN and on the reference backend.
struct Comparison: CustomStringConvertible {
  /// What the oneDNN backend answered.
  let status: ExecutionStatus
  /// Its output, and the reference's.
  let actual: [Double]
  let expected: [Double]

  /// Whether oneDNN ran the record and agrees within `tolerance` (relative above 1, absolute
  /// below; NaN agrees with NaN).
  func agrees(within tolerance: Double = 0) -> Bool {
    status == .done && isClose(actual, expected, tolerance: tolerance)
  }

  /// The status and the largest difference, where it is: the arrays themselves are too long
  /// to read in a failure message.
  var description: String {
    let differences = zip(actual, expected).map { a, e in
      a.isNaN && e.isNaN ? 0 : a.isNaN || e.isNaN ? .infinity : Swift.abs(a - e)
    }
    guard let worst = differences.indices.max(by: { differences[$0] < differences[$1] }) else {
      return "\(status), \(actual.count) and \(expected.count) elements"
    }
    return "\(status), largest difference \(differences[worst]) at \(worst): "
      + "\(actual[worst]) for \(expected[worst])"
  }
}

/// Runs one record of `op` without attributes on `backend` and on the reference backend.
func compare(
  _ backend: OneDNNBackend, _ op: OpCode, _ inputs: [TensorBuffer], _ shape: Shape
) throws -> Comparison {
  try compare(backend, op, inputs, .none, shape)
}

/// Runs one record of `op` on `backend` and on the reference backend, each with a fresh
/// float32 output of `shape`.
func compare(
  _ backend: OneDNNBackend, _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
  _ shape: Shape
) throws -> Comparison {
  let mine = OpRecord(op, inputs: inputs, attributes: attributes, outputs: [output(shape)])
  let theirs = OpRecord(op, inputs: inputs, attributes: attributes, outputs: [output(shape)])
  let status = try backend.execute(mine)
  #expect(try reference.execute(theirs) == .done, "the reference backend runs \(op)")
  return Comparison(
    status: status, actual: values(mine.outputs[0]), expected: values(theirs.outputs[0]))
}

/// Seeded values in `-scale..<scale`, different per seed (a small linear congruential walk).
func randomValues(_ count: Int, seed: UInt64, scale: Double = 3) -> [Double] {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (Double(state >> 11) * 0x1.0p-53 * 2 - 1) * scale
  }
}

/// Runs one record of `op` on `backend`, and `composite` (a frontend composite) on the
/// reference backend, the oracle of the convolution and pooling families.
func compare(
  _ backend: OneDNNBackend, _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
  _ shape: Shape, composite: () throws -> Tensor
) throws -> Comparison {
  let record = OpRecord(op, inputs: inputs, attributes: attributes, outputs: [output(shape)])
  let status = try backend.execute(record)
  let expected = try withBackend("reference") { try composite() }
  return Comparison(
    status: status, actual: values(record.outputs[0]), expected: values(expected.buffer))
}

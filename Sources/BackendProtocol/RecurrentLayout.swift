/// A recurrent record's sizes and setting, every operand checked: x is `[batch, steps,
/// features]` with at least one step; for `lstm` and `lstm_gradient` the kernel
/// `[features, 4·units]`, the recurrent kernel `[units, 4·units]`, the bias `[4·units]`, both
/// initial states `[batch, units]` and the packed sequence `[batch, steps + 1, units]`; for
/// `gru` and `gru_gradient` the kernel `[features, 3·units]`, the recurrent kernel
/// `[units, 3·units]`, the bias `[2, 3·units]` (input and recurrent rows), the initial state
/// `[batch, units]` and the sequence `[batch, steps, units]`; every operand in x's dtype
/// (`float32` or `float64`).
public struct RecurrentLayout: Sendable, Equatable {
  /// What the record computes.
  public let op: OpCode
  /// The sequences in the batch.
  public let batch: Int
  /// The time steps of each sequence.
  public let steps: Int
  /// The width of the input at each step.
  public let features: Int
  /// The width of the output and of each state.
  public let units: Int
  /// Whether the steps run from the last to the first.
  public let goBackwards: Bool

  /// Checks `record`; throws a ``PlexusError`` naming the op, what it expected and what it
  /// received.
  public init(_ record: OpRecord) throws {
    let op = record.op
    let context = "\(op)"
    let isLSTM = op == .lstm || op == .lstmGradient
    guard isLSTM || op == .gru || op == .gruGradient else { throw UnsupportedOp(op) }
    let gateCount = isLSTM ? 4 : 3
    let x = try record.input(0)
    guard x.shape.rank == 3, x.shape[1] > 0 else {
      throw PlexusError.shapeMismatch(
        context: context, expected: "x of rank 3, [batch, steps ≥ 1, features]",
        received: "\(x.shape)")
    }
    guard x.dtype == .float32 || x.dtype == .float64 else {
      throw PlexusError.dtypeMismatch(
        context: context, expected: "a float32 or float64 input", received: "\(x.dtype)")
    }
    let recurrent = try record.input(2)
    guard recurrent.shape.rank == 2 else {
      throw PlexusError.shapeMismatch(
        context: context, expected: "a recurrent kernel [units, \(gateCount)·units]",
        received: "\(recurrent.shape)")
    }
    let (batch, steps, features) = (x.shape[0], x.shape[1], x.shape[2])
    let units = recurrent.shape[0]
    let (gates, overflow) = units.multipliedReportingOverflow(by: gateCount)
    let (rows, rowsOverflow) = steps.addingReportingOverflow(1)
    guard !overflow, !rowsOverflow, units > 0 else {
      throw PlexusError.shapeMismatch(
        context: context, expected: "a recurrent kernel [units ≥ 1, \(gateCount)·units]",
        received: "\(recurrent.shape)")
    }
    let state: Shape = [batch, units]
    let weights: [(String, Shape)] =
      [
        ("x", x.shape), ("kernel", [features, gates]), ("recurrent kernel", [units, gates]),
        ("bias", isLSTM ? [gates] : [2, gates]), ("initial output", state),
      ] + (isLSTM ? [("initial cell state", state)] : [])
    let sequence: Shape = [batch, isLSTM ? rows : steps, units]
    let inputs: [(String, Shape)]
    let outputs: [(String, Shape)]
    if op == .lstm || op == .gru {
      inputs = weights
      outputs = [("sequence", sequence)]
    } else {
      inputs = weights + [("upstream", sequence)]
      outputs = weights.map { ("d\($0.0)", $0.1) }
    }
    try checkRecordOperands(record.inputs, against: inputs, "input", x.dtype, context)
    try checkRecordOperands(record.outputs, against: outputs, "output", x.dtype, context)
    self.op = op
    self.batch = batch
    self.steps = steps
    self.features = features
    self.units = units
    self.goBackwards = record.attributes.bool(.goBackwards, default: false)
  }
}

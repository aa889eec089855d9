import BackendProtocol
import Plexus

/// The recurrent family (a whole LSTM or GRU) against its composites on the reference
/// backend, every output compared: both directions, a batch a backend may cut into parts, one
/// step of one unit, and an empty batch.
extension ConformanceChecker {
  static func isRecurrent(_ op: OpCode) -> Bool {
    op == .lstm || op == .lstmGradient || op == .gru || op == .gruGradient
  }

  /// (batch, steps, features, units, goBackwards).
  static let recurrences: [(Int, Int, Int, Int, Bool)] = [
    (3, 5, 4, 3, false), (17, 3, 2, 2, true), (1, 1, 1, 1, false), (0, 2, 3, 2, true),
  ]

  mutating func checkRecurrent(_ op: OpCode, _ dtype: DType) throws {
    let isLSTM = op == .lstm || op == .lstmGradient
    let forward: OpCode = isLSTM ? .lstm : .gru
    for (batch, steps, features, units, goBackwards) in Self.recurrences {
      let (state, width) = (Shape([batch, units]), (isLSTM ? 4 : 3) * units)
      let shapes: [Shape] =
        [
          [batch, steps, features], [features, width], [units, width],
          isLSTM ? [width] : [2, width], state,
        ] + (isLSTM ? [state] : [])
      let operands = shapes.map { input(dtype, $0, domain: .signed) }
      let outputShape: Shape = [batch, isLSTM ? steps + 1 : steps, units]
      let upstream = input(dtype, outputShape, domain: .signed)
      let attributes: OpAttributes = [.goBackwards: .bool(goBackwards)]
      let note = "\(shapes[0]) units \(units)\(goBackwards ? " backwards" : "")"
      let tensors = operands.map { Tensor($0) }
      if op == forward {
        try compareOutputs(op, dtype, note, operands, attributes, [outputShape]) {
          isLSTM
            ? try Ops.lstmComposite(tensors, goBackwards: goBackwards)
            : try Ops.gruComposite(tensors, goBackwards: goBackwards)
        }
      } else {
        try compareOutputs(op, dtype, note, operands + [upstream], attributes, shapes) {
          try Ops.recurrentGradientComposite(
            forward, tensors + [Tensor(upstream)], goBackwards: goBackwards)
        }
      }
    }
    // A malformed record (a recurrent kernel that fits no unit count) is rejected with an
    // error, not a trap.
    let x = input(dtype, [2, 3, 4], domain: .signed)
    let wrong = input(dtype, [3, 5], domain: .signed)
    do {
      let record = OpRecord(
        op, inputs: [x, wrong, wrong, wrong, wrong, wrong],
        outputs: [TensorBuffer(dtype: dtype, shape: [2, 4, 3])])
      _ = try backend.execute(record)
      mismatches.append("\(op) \(dtype) malformed record: \(backend.name) accepted it")
    } catch {}
  }
}

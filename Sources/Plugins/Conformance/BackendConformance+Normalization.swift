import BackendProtocol
import Plexus

/// The normalization family against its composites on the reference backend, every output of
/// each record compared: size-1 axes, a rank-1 input and an empty batch among the shapes.
extension ConformanceChecker {
  static func isNormalization(_ op: OpCode) -> Bool {
    switch op {
    case .batchNorm, .batchNormGradient, .layerNorm, .layerNormGradient: true
    default: false
    }
  }

  /// x's shapes, the features last.
  static let normalizations: [Shape] = [[5, 3], [2, 1, 1, 4], [1, 1], [7], [0, 3], [2, 0]]

  mutating func checkNormalization(_ op: OpCode, _ dtype: DType) throws {
    let epsilon = 1e-3
    for shape in Self.normalizations {
      let features = shape[shape.rank - 1]
      let perFeature: Shape = [features]
      let perRow = Shape(Array(shape.dims.dropLast()))
      let statistics = op == .batchNorm || op == .batchNormGradient ? perFeature : perRow
      let x = input(dtype, shape, domain: .signed)
      let gamma = input(dtype, perFeature, domain: .signed)
      let beta = input(dtype, perFeature, domain: .signed)
      let mean = input(dtype, statistics, domain: .signed)
      let variance = input(dtype, statistics, domain: .positive)
      let upstream = input(dtype, shape, domain: .signed)
      let (tx, tg, tb, tm, tv, tu) = (
        Tensor(x), Tensor(gamma), Tensor(beta), Tensor(mean), Tensor(variance), Tensor(upstream)
      )
      let plain: OpAttributes = [.epsilon: .double(epsilon)]
      let note = "\(shape)"
      switch op {
      case .batchNorm:
        try compareOutputs(
          op, dtype, "\(note) training", [x, gamma, beta], plain.with(.training, .bool(true)),
          [shape, perFeature, perFeature]
        ) { try Ops.batchNormalizationTrainingComposite(tx, gamma: tg, beta: tb, epsilon: epsilon) }
        try compareOutputs(
          op, dtype, "\(note) inference", [x, gamma, beta, mean, variance], plain, [shape]
        ) {
          [
            try Ops.batchNormalizationInferenceComposite(
              tx, gamma: tg, beta: tb, mean: tm, variance: tv, epsilon: epsilon)
          ]
        }
      case .layerNorm:
        try compareOutputs(op, dtype, note, [x, gamma, beta], plain, [shape, perRow, perRow]) {
          try Ops.layerNormalizationComposite(tx, gamma: tg, beta: tb, epsilon: epsilon)
        }
      case .batchNormGradient:
        try compareOutputs(
          op, dtype, note, [x, gamma, mean, variance, upstream], plain,
          [shape, perFeature, perFeature]
        ) {
          try Ops.batchNormalizationGradientComposite(
            tx, gamma: tg, mean: tm, variance: tv, upstream: tu, epsilon: epsilon)
        }
      default:
        try compareOutputs(
          op, dtype, note, [x, gamma, mean, variance, upstream], plain,
          [shape, perFeature, perFeature]
        ) {
          try Ops.layerNormalizationGradientComposite(
            tx, gamma: tg, mean: tm, variance: tv, upstream: tu, epsilon: epsilon)
        }
      }
    }
    // A malformed record is rejected by both sides (the reference through its composite's
    // checks is not asked: it runs no family kernel), with an error, not a trap.
    let x = input(dtype, [2, 3], domain: .signed)
    let wrong = input(dtype, [2], domain: .signed)
    do {
      let record = OpRecord(
        op, inputs: [x, wrong, wrong, wrong, x], attributes: [.epsilon: .double(.nan)],
        outputs: [TensorBuffer(dtype: dtype, shape: [2, 3])])
      _ = try backend.execute(record)
      mismatches.append("\(op) \(dtype) malformed record: \(backend.name) accepted it")
    } catch {}
  }

  /// Runs the record on the backend and `composite` (the outputs in the record's order) on
  /// the reference backend, and records any disagreement in any output.
  mutating func compareOutputs(
    _ op: OpCode, _ dtype: DType, _ note: String, _ inputs: [TensorBuffer],
    _ attributes: OpAttributes, _ shapes: [Shape], composite: () throws -> [Tensor]
  ) throws {
    let label = "\(op) \(dtype) \(note)"
    let expected: [TensorBuffer]
    do {
      expected = try withBackend("reference") { try composite() }.map(\.buffer)
    } catch {
      mismatches.append("\(label): the composite failed: \(error)")
      return
    }
    do {
      let (status, outputs) = try run(backend, op, inputs, attributes, shapes.map { (dtype, $0) })
      guard status == .done else {
        mismatches.append("\(label): \(backend.name) claims the op but answered unsupported")
        return
      }
      for (index, (want, got)) in zip(expected, outputs).enumerated() {
        agree(op, "\(label) output \(index)", want, got)
      }
    } catch {
      mismatches.append("\(label): \(backend.name) threw \(error)")
    }
  }
}

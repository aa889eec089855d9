/// A normalization record's sizes and settings, every operand checked: x seen as `rows` rows
/// of `features` elements (the last axis), gamma and beta `[features]`, the statistics
/// `[features]` for batch normalization and x's shape without the last axis for layer
/// normalization, every operand in x's dtype (`float32` or `float64`), and `epsilon` finite
/// and ≥ 0.
public struct NormalizationLayout: Sendable, Equatable {
  /// What the record computes.
  public let op: OpCode
  /// The elements of every axis but the last, multiplied: the batch for batch normalization.
  public let rows: Int
  /// The last axis: the channels for batch normalization, the normalized row for layer
  /// normalization.
  public let features: Int
  /// Added to the variance before the square root.
  public let epsilon: Double
  /// Whether a `batch_norm` record normalizes with the batch's own statistics (and outputs
  /// them).
  public let training: Bool

  /// Checks `record` (a `batch_norm`, `batch_norm_gradient`, `layer_norm` or
  /// `layer_norm_gradient`); throws a ``PlexusError`` naming the op, what it expected and what
  /// it received.
  public init(_ record: OpRecord) throws {
    let op = record.op
    let context = "\(op)"
    let x = try record.input(0)
    guard x.shape.rank > 0 else {
      throw PlexusError.shapeMismatch(
        context: context, expected: "an input of rank ≥ 1, the features on its last axis",
        received: "\(x.shape)")
    }
    guard x.dtype == .float32 || x.dtype == .float64 else {
      throw PlexusError.dtypeMismatch(
        context: context, expected: "a float32 or float64 input", received: "\(x.dtype)")
    }
    let epsilon = try record.attributes.double(.epsilon, of: op)
    guard epsilon.isFinite, epsilon >= 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "epsilon must be finite and ≥ 0, received \(epsilon)")
    }
    let features = x.shape[x.shape.rank - 1]
    let perFeature: Shape = [features]
    let perRow = Shape(Array(x.shape.dims.dropLast()))
    let training = record.attributes.bool(.training, default: false)
    let inputs: [(String, Shape)]
    let outputs: [(String, Shape)]
    switch op {
    case .batchNorm:
      let given = training ? [] : [("mean", perFeature), ("variance", perFeature)]
      let computed = training ? [("mean", perFeature), ("variance", perFeature)] : []
      inputs = [("x", x.shape), ("gamma", perFeature), ("beta", perFeature)] + given
      outputs = [("y", x.shape)] + computed
    case .layerNorm:
      inputs = [("x", x.shape), ("gamma", perFeature), ("beta", perFeature)]
      outputs = [("y", x.shape), ("mean", perRow), ("variance", perRow)]
    case .batchNormGradient, .layerNormGradient:
      let statistics = op == .batchNormGradient ? perFeature : perRow
      inputs = [
        ("x", x.shape), ("gamma", perFeature), ("mean", statistics), ("variance", statistics),
        ("upstream", x.shape),
      ]
      outputs = [("dx", x.shape), ("dgamma", perFeature), ("dbeta", perFeature)]
    default:
      throw UnsupportedOp(op)
    }
    try checkRecordOperands(record.inputs, against: inputs, "input", x.dtype, context)
    try checkRecordOperands(record.outputs, against: outputs, "output", x.dtype, context)
    self.op = op
    self.rows = perRow.elementCount
    self.features = features
    self.epsilon = epsilon
    self.training = training
  }
}

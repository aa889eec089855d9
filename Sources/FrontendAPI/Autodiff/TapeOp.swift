/// What a tape node did, with what its gradient rule needs to know.
enum TapeOp: Sendable {
  /// A dispatched op, with the attributes of its record.
  case primitive(OpCode, OpAttributes)
  /// A metadata-only reshape from the input's shape.
  case reshape
  /// A composite or fused op that brings its own backward: input gradients from the output
  /// gradient.
  case custom(name: String, backward: @Sendable (Tensor) throws -> [Tensor?])
}

/// One recorded op: its inputs, as tensors, and its output.
struct TapeNode: Sendable {
  let op: TapeOp
  let inputs: [Tensor]
  let output: Tensor
}

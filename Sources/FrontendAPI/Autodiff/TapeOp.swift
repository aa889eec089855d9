/// What a tape node did, with what its gradient rule needs to know.
enum TapeOp: Sendable {
  /// A backend primitive.
  case primitive(OpCode, OpAttributes)
  /// A metadata-only reshape from the input's shape.
  case reshape
  /// A composite or fused op that brings its own backward: input gradients from the output
  /// gradient.
  case custom(name: String, backward: @Sendable (Tensor) throws -> [Tensor?])
}

/// The attributes of a primitive op that its gradient rule needs.
enum OpAttributes: Sendable {
  case none
  case axes([Int])
  case permutation([Int])
  case axis(Int)
  case starts([Int])
  case matmul(transposeA: Bool, transposeB: Bool)
}

/// One recorded op: its inputs, as tensors, and its output.
struct TapeNode: Sendable {
  let op: TapeOp
  let inputs: [Tensor]
  let output: Tensor
}

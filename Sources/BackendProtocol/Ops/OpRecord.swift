/// One op as data: what the dispatcher hands a backend, what a tape stores, what the profiler
/// counts and what a compiled step will record and replay.
///
/// - `inputs` are read-only, except for the in-place ops (`sgd_update`, `adam_update`), which
///   document which inputs they update.
/// - `outputs` are allocated by the dispatcher with their final dtypes and shapes before the
///   backend runs; they alias no input (except a compiled step's `scatter_add` on a backend
///   that opts in, ``Backend/scatterAddsInPlace``) and are uninitialised.
/// - Per-step values (a learning rate, an optimizer step, a random counter offset) are scalar
///   *inputs*, never attributes, so a recorded step can be replayed with new values.
///
/// ``OpCode`` documents, op by op, the inputs, attributes and outputs a record carries.
public struct OpRecord: Sendable {
  /// What to compute.
  public let op: OpCode
  /// The operands, in the order the op defines.
  public let inputs: [TensorBuffer]
  /// The typed, named settings.
  public let attributes: OpAttributes
  /// Where the results go.
  public let outputs: [TensorBuffer]

  /// Creates a record.
  public init(
    _ op: OpCode, inputs: [TensorBuffer], attributes: OpAttributes = .none,
    outputs: [TensorBuffer]
  ) {
    self.op = op
    self.inputs = inputs
    self.attributes = attributes
    self.outputs = outputs
  }

  /// The dtype support is decided by: the first input's (for `select`, the first value
  /// operand's; for `one_hot` and random draws, the output's), else the first output's.
  public var dtype: DType {
    Self.supportDType(
      op, first: inputs.first?.dtype, second: inputs.count > 1 ? inputs[1].dtype : nil,
      output: outputs.first?.dtype)
  }

  /// The dtype support is decided by, for a record of `op` whose first two inputs and first
  /// output have these dtypes (nil where there is none).
  @inlinable
  public static func supportDType(_ op: OpCode, first: DType?, second: DType?, output: DType?)
    -> DType
  {
    if op == .select, let second { return second }
    if op == .oneHot || op.family == .random { return output ?? .float32 }
    return first ?? output ?? .float32
  }

  /// The input at `index`, or an error naming the op when the record has too few.
  @inlinable
  public func input(_ index: Int) throws -> TensorBuffer {
    guard inputs.indices.contains(index) else {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "needs input \(index), the record has \(inputs.count)")
    }
    return inputs[index]
  }

  /// The output at `index`, or an error naming the op when the record has too few.
  @inlinable
  public func output(_ index: Int = 0) throws -> TensorBuffer {
    guard outputs.indices.contains(index) else {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "needs output \(index), the record has \(outputs.count)")
    }
    return outputs[index]
  }
}

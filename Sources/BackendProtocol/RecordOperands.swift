/// Checks that a record's `buffers` (its inputs or outputs, as `kind` says) are the operands
/// `expected` names, each of its shape and in `dtype`; throws naming the operand otherwise.
/// The fused families' layouts (normalization, recurrent) share it.
func checkRecordOperands(
  _ buffers: [TensorBuffer], against expected: [(String, Shape)], _ kind: String,
  _ dtype: DType, _ context: String
) throws {
  guard buffers.count == expected.count else {
    throw PlexusError.invalidArgument(
      context: context,
      message: "needs \(expected.count) \(kind)s (\(expected.map(\.0).joined(separator: ", "))),"
        + " the record has \(buffers.count)")
  }
  for (buffer, (name, shape)) in zip(buffers, expected) {
    guard buffer.shape == shape else {
      throw PlexusError.shapeMismatch(
        context: context, expected: "\(name) of shape \(shape)", received: "\(buffer.shape)")
    }
    guard buffer.dtype == dtype else {
      throw PlexusError.dtypeMismatch(
        context: context, expected: "\(name) in the input's \(dtype)",
        received: "\(buffer.dtype)")
    }
  }
}

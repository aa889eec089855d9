/// The error a typed method's default throws: the default ``Backend/execute(_:)`` turns it into
/// ``ExecutionStatus/unsupported``.
public struct UnsupportedOp: Error, Sendable {
  /// The op that was not run.
  public let op: OpCode

  /// The error for `op`.
  public init(_ op: OpCode) { self.op = op }
}

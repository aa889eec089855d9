import BackendProtocol

/// What an ``OpObserver`` learns of one executed op: the record's op, attributes and shapes,
/// where it ran, and when.
public struct OpEvent: Sendable {
  /// The op.
  public let op: OpCode
  /// The dtype support was decided by (usually the first input's).
  public let dtype: DType
  /// The backend that ran it.
  public let backend: String
  /// The selected backend when the op fell back from it; nil when it ran where selected.
  public let fallbackFrom: String?
  /// The shapes of the inputs.
  public let inputShapes: [Shape]
  /// The shapes of the outputs (empty for in-place ops).
  public let outputShapes: [Shape]
  /// The attributes.
  public let attributes: OpAttributes
  /// When the backend started, in nanoseconds of the monotonic clock.
  public let startNanoseconds: UInt64
  /// How long the backend took, in nanoseconds.
  public let durationNanoseconds: UInt64
  /// The operating-system thread that dispatched it.
  public let threadID: UInt64
}

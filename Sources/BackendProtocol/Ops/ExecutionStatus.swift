/// What a backend answers for a record it was asked to execute.
public enum ExecutionStatus: Sendable, Equatable {
  /// The outputs are written.
  case done
  /// The backend cannot run this record after all; the dispatcher falls back as it would have
  /// for a record the backend declined up front (counted, and an error in strict mode). A
  /// backend answers it before writing anything: the fallback runs the record again, and an
  /// in-place update applied twice would be wrong.
  case unsupported
}

import BackendProtocol

/// One line of a profile: every call of one op on one backend for one dtype.
public struct ProfileRow: Sendable, Equatable {
  /// What a row groups by.
  public struct Key: Sendable, Hashable {
    /// The op.
    public let op: OpCode
    /// The backend that ran it.
    public let backend: String
    /// The dtype support was decided by.
    public let dtype: DType
  }

  /// The op, backend and dtype.
  public let key: Key
  /// How many times it ran.
  public private(set) var calls = 0
  /// The time spent in the backend, in nanoseconds.
  public private(set) var totalNanoseconds: UInt64 = 0
  /// How many of the calls had fallen back from another backend.
  public private(set) var fallbacks = 0

  init(key: Key) { self.key = key }

  /// The mean time per call, in nanoseconds.
  public var meanNanoseconds: Double {
    calls == 0 ? 0 : Double(totalNanoseconds) / Double(calls)
  }

  mutating func add(_ event: OpEvent) {
    calls += 1
    totalNanoseconds &+= event.durationNanoseconds
    if event.fallbackFrom != nil { fallbacks += 1 }
  }
}

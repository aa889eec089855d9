/// Where ops ran: dispatches per backend and op, and fallbacks to the reference backend per
/// selected backend and op.
public struct DispatchStatistics: Sendable, Equatable, CustomStringConvertible {
  /// `dispatches[backend][op]`: ops that ran on `backend`.
  public internal(set) var dispatches: [String: [OpCode: Int]] = [:]
  /// `fallbacks[backend][op]`: ops selected for `backend` that ran on the reference backend.
  public internal(set) var fallbacks: [String: [OpCode: Int]] = [:]

  public init() {}

  /// Ops that ran on `backend` (all ops, or only `op`).
  public func dispatchCount(backend: String, op: OpCode? = nil) -> Int {
    guard let byOp = dispatches[backend] else { return 0 }
    return op.map { byOp[$0] ?? 0 } ?? byOp.values.reduce(0, +)
  }

  /// Ops selected for `backend` that fell back (all ops, or only `op`).
  public func fallbackCount(backend: String, op: OpCode? = nil) -> Int {
    guard let byOp = fallbacks[backend] else { return 0 }
    return op.map { byOp[$0] ?? 0 } ?? byOp.values.reduce(0, +)
  }

  mutating func add(dispatchOn backend: String, _ op: OpCode, count: Int = 1) {
    dispatches[backend, default: [:]][op, default: 0] += count
  }

  mutating func add(fallbackFrom backend: String, _ op: OpCode, count: Int = 1) {
    fallbacks[backend, default: [:]][op, default: 0] += count
  }

  public var description: String {
    var lines: [String] = []
    for (backend, byOp) in dispatches.sorted(by: { $0.key < $1.key }) {
      let ops = byOp.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key)=\($0.value)" }
      lines.append("\(backend): \(ops.joined(separator: " "))")
    }
    for (backend, byOp) in fallbacks.sorted(by: { $0.key < $1.key }) {
      let ops = byOp.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key)=\($0.value)" }
      lines.append("\(backend) fell back: \(ops.joined(separator: " "))")
    }
    return lines.joined(separator: "\n")
  }
}

/// Collects the statistics of one `Dispatcher.recordingStatistics` scope. Child tasks inherit
/// the scope and count into it at the same time, so every access holds a lock (a pthread
/// lock, which ThreadSanitizer sees).
final class StatisticsCollector: Sendable {
  private let counts = Locked(DispatchStatistics())

  /// What was counted so far.
  var statistics: DispatchStatistics { counts.current }

  func add(dispatchOn backend: String, _ op: OpCode) {
    counts.withLock { $0.add(dispatchOn: backend, op) }
  }

  func add(fallbackFrom backend: String, _ op: OpCode) {
    counts.withLock { $0.add(fallbackFrom: backend, op) }
  }
}

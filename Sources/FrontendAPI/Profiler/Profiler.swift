import BackendProtocol

/// Collects every op the dispatcher runs in a block of code — op, backend, dtype, time, and
/// whether it fell back — for a per-op table (like TensorFlow's profiler op table or
/// `torch.profiler`'s `key_averages()`) and a Chrome trace that Perfetto and
/// `chrome://tracing` open.
///
/// ```swift
/// let (history, report) = try Profiler.profile { try model.fit(x, y, epochs: 1) }
/// print(report.table())
/// try report.writeChromeTrace(to: "trace.json")
/// ```
///
/// Profiling rides on the dispatcher's observer hook: when no profiler is running, the
/// dispatcher skips timing altogether.
public final class Profiler: OpObserver, Sendable {
  /// The events kept for the trace; the table counts every op regardless.
  public let traceCapacity: Int

  private struct State {
    var rows: [ProfileRow.Key: ProfileRow] = [:]
    var events: [OpEvent] = []
    var droppedEvents = 0
    var first: UInt64 = .max
    var last: UInt64 = 0
    /// Between ``start()`` and ``stop()`` (or inside ``profile(traceCapacity:_:)``). An op on
    /// another thread that took the observer list before ``stop()`` removed this profiler
    /// reports after it: such late events are dropped, so nothing is seen outside a profile.
    var watching = false
  }
  private let state = Locked(State())

  /// Creates a profiler that keeps up to `traceCapacity` events for the trace.
  public init(traceCapacity: Int = 1_000_000) {
    self.traceCapacity = Swift.max(0, traceCapacity)
  }

  /// Runs `body` with a new profiler watching this task's ops, and returns what it saw.
  public static func profile<R>(traceCapacity: Int = 1_000_000, _ body: () throws -> R)
    rethrows -> (R, ProfileReport)
  {
    let profiler = Profiler(traceCapacity: traceCapacity)
    profiler.state.withLock { $0.watching = true }
    defer { profiler.state.withLock { $0.watching = false } }
    let result = try Dispatcher.withObserver(profiler) { try body() }
    return (result, profiler.report())
  }

  /// Starts watching the ops of every task, until ``stop()``.
  public func start() {
    state.withLock { $0.watching = true }
    Dispatcher.addObserver(self)
  }

  /// Stops watching and returns what was seen.
  @discardableResult
  public func stop() -> ProfileReport {
    Dispatcher.removeObserver(self)
    state.withLock { $0.watching = false }
    return report()
  }

  /// What has been seen so far.
  public func report() -> ProfileReport {
    state.withLock { state in
      ProfileReport(
        rows: Array(state.rows.values), events: state.events, droppedEvents: state.droppedEvents,
        wallNanoseconds: state.last > state.first ? state.last - state.first : 0)
    }
  }

  /// Counts `event` in its row and keeps it for the trace while there is room.
  public func didExecute(_ event: OpEvent) {
    let key = ProfileRow.Key(op: event.op, backend: event.backend, dtype: event.dtype)
    let capacity = traceCapacity
    state.withLock { state in
      guard state.watching else { return }
      state.rows[key, default: ProfileRow(key: key)].add(event)
      if state.events.count < capacity {
        state.events.append(event)
      } else {
        state.droppedEvents += 1
      }
      state.first = Swift.min(state.first, event.startNanoseconds)
      state.last = Swift.max(state.last, event.startNanoseconds &+ event.durationNanoseconds)
    }
  }
}

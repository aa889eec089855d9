import BackendProtocol
import Glibc
import Synchronization

extension Dispatcher {
  /// The observers registered for the whole process.
  private static let globalObservers = Locked<[any OpObserver]>([])
  /// How many observers are registered anywhere (process-wide or task-scoped): when zero, the
  /// dispatcher skips timing and notification altogether.
  private static let observerCount = Atomic<Int>(0)
  @TaskLocal static var scopedObservers: [any OpObserver] = []

  /// Whether any observer may need to see the op being dispatched.
  @inline(__always)
  static var observersActive: Bool { observerCount.load(ordering: .relaxed) > 0 }

  /// Registers `observer` for every op of every task until ``removeObserver(_:)``.
  public static func addObserver(_ observer: any OpObserver) {
    globalObservers.withLock { $0.append(observer) }
    observerCount.add(1, ordering: .relaxed)
  }

  /// Unregisters an observer added with ``addObserver(_:)``.
  public static func removeObserver(_ observer: any OpObserver) {
    let removed = globalObservers.withLock { observers in
      let before = observers.count
      observers.removeAll { $0 === observer }
      return before - observers.count
    }
    observerCount.subtract(removed, ordering: .relaxed)
  }

  /// Runs `body` with `observer` seeing the ops of this task (and its child tasks) only.
  public static func withObserver<R>(_ observer: any OpObserver, _ body: () throws -> R)
    rethrows -> R
  {
    observerCount.add(1, ordering: .relaxed)
    defer { observerCount.subtract(1, ordering: .relaxed) }
    return try $scopedObservers.withValue(scopedObservers + [observer]) { try body() }
  }

  /// Tells every observer in reach about an executed record.
  static func notify(
    _ record: OpRecord, on entry: BackendEntry, fallbackFrom: String?, start: UInt64,
    end: UInt64 = monotonicNanoseconds()
  ) {
    let observers = scopedObservers + globalObservers.withLock { $0 }
    guard !observers.isEmpty else { return }
    let event = OpEvent(
      op: record.op, dtype: record.dtype, backend: entry.name, fallbackFrom: fallbackFrom,
      inputShapes: record.inputs.map(\.shape), outputShapes: record.outputs.map(\.shape),
      attributes: record.attributes, startNanoseconds: start,
      durationNanoseconds: end &- start, threadID: UInt64(pthread_self()))
    for observer in observers { observer.didExecute(event) }
  }

  /// The monotonic clock, in nanoseconds.
  static func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
  }
}

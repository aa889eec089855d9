import Synchronization

/// The one place where every op meets a backend.
///
/// It picks the backend — the innermost ``withBackend(_:_:)`` scope, else the running model's
/// backend, else the process default — runs the op there if that backend supports it for the
/// input dtype, and otherwise on the reference backend. It counts every dispatch and every
/// fallback; in strict mode a fallback is an error instead.
public enum Dispatcher {
  @TaskLocal static var scopedEntry: BackendEntry?
  @TaskLocal static var modelEntry: BackendEntry?
  @TaskLocal static var scopedStrict: Bool?
  @TaskLocal static var collector: StatisticsCollector?

  private struct State {
    var entries: [ObjectIdentifier: BackendEntry] = [:]
    var defaultEntry: BackendEntry?
    var fallbackEntry: BackendEntry?
    var strict = false
  }
  private static let state: Mutex<State> = {
    let registry = BackendRegistry.shared
    let preferred = BuiltinBackends.registerIfNeeded(in: registry)
    var initial = State()
    for backend in registry.all {
      initial.entries[ObjectIdentifier(backend)] = BackendEntry(backend)
    }
    if let fallback = registry.fallback {
      initial.fallbackEntry = initial.entries[ObjectIdentifier(fallback)]
    }
    initial.defaultEntry =
      preferred.flatMap { initial.entries[ObjectIdentifier($0)] } ?? initial.fallbackEntry
    return Mutex(initial)
  }()

  // MARK: Resolution

  /// The entry for a registered backend, created on first use.
  static func entry(named name: String) throws -> BackendEntry {
    _ = defaultEntry  // the first use of the state registers the built-in backends
    let backend = try BackendRegistry.shared.backend(named: name)
    return state.withLock { state in
      if let existing = state.entries[ObjectIdentifier(backend)] { return existing }
      let created = BackendEntry(backend)
      state.entries[ObjectIdentifier(backend)] = created
      return created
    }
  }

  static var defaultEntry: BackendEntry? { state.withLock { $0.defaultEntry } }

  static func setDefault(_ entry: BackendEntry) { state.withLock { $0.defaultEntry = entry } }

  static var globalStrict: Bool {
    get { state.withLock { $0.strict } }
    set { state.withLock { $0.strict = newValue } }
  }

  /// The backend ops run on right now, before any fallback.
  static var selectedEntry: BackendEntry? { scopedEntry ?? modelEntry ?? defaultEntry }

  /// The fallback backend's entry.
  static var fallbackEntry: BackendEntry? { state.withLock { $0.fallbackEntry } }

  /// Whether the selected backend or the fallback runs `op` for `dtype`: kernel families ask
  /// this before dispatching, and run their composite when neither does.
  static func anyBackendSupports(_ op: OpCode, _ dtype: DType) -> Bool {
    if let selected = selectedEntry, selected.supports(op, dtype) { return true }
    return fallbackEntry?.supports(op, dtype) ?? false
  }

  static func countDispatch(on entry: BackendEntry, _ op: OpCode) {
    entry.countDispatch(op)
    collector?.statistics.add(dispatchOn: entry.name, op)
  }

  /// Counts `op` as a fallback from `selected` to `fallback`, or throws in strict mode.
  static func countFallback(
    from selected: BackendEntry, to fallback: BackendEntry, _ op: OpCode, _ dtype: DType
  ) throws {
    if scopedStrict ?? globalStrict {
      throw PlexusError.fallbackInStrictMode(
        op: op.description, dtype: dtype, backend: selected.name)
    }
    selected.countFallback(op)
    collector?.statistics.add(fallbackFrom: selected.name, op)
  }

  /// A new tensor of `shape` filled with `value`.
  static func fill(shape: Shape, dtype: DType, value: Double) throws -> Tensor {
    try execute(.fill, [], [.fillValue: .double(value)], output: dtype, shape)
  }

  // MARK: Statistics and strict mode

  /// Every dispatch and fallback since the process started or the last reset.
  public static func statistics() -> DispatchStatistics {
    let entries = state.withLock { Array($0.entries.values) }
    var result = DispatchStatistics()
    for entry in entries {
      let counters = entry.snapshot()
      for op in OpCode.allCases {
        let slot = Int(op.rawValue)
        if counters.dispatches[slot] > 0 {
          result.add(dispatchOn: entry.name, op, count: counters.dispatches[slot])
        }
        if counters.fallbacks[slot] > 0 {
          result.add(fallbackFrom: entry.name, op, count: counters.fallbacks[slot])
        }
      }
    }
    return result
  }

  /// Sets every counter back to zero.
  public static func resetStatistics() {
    for entry in state.withLock({ Array($0.entries.values) }) { entry.reset() }
  }

  /// Runs `body` and returns what it dispatched, on this task only (safe beside parallel work).
  public static func recordingStatistics<R>(_ body: () throws -> R) rethrows -> (
    R, DispatchStatistics
  ) {
    let collector = StatisticsCollector()
    let result = try $collector.withValue(collector) { try body() }
    return (result, collector.statistics)
  }

  /// Runs `body` with strict dispatch on or off for this task: in strict mode an op the
  /// selected backend does not support throws instead of falling back.
  public static func withStrictMode<R>(_ strict: Bool = true, _ body: () throws -> R) rethrows
    -> R
  {
    try $scopedStrict.withValue(strict) { try body() }
  }
}

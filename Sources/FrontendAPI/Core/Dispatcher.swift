import Synchronization

/// The one place where every op meets a backend.
///
/// It picks the backend — the innermost ``withBackend(_:_:)`` scope, else the running model's
/// backend, else the process default — runs the op there if that backend supports it for the
/// input dtype, and otherwise on the reference backend. It counts every dispatch and every
/// fallback; in strict mode a fallback is an error instead.
public enum Dispatcher {
  /// What a task has set for the ops it runs: one task-local, read once per op.
  struct Scope: Sendable {
    // The entries are held unretained: entries are never dropped (see `State`), and a scope
    // is read on every op, where each retained field costs an atomic increment and decrement.
    /// The innermost `withBackend` scope's backend.
    unowned(unsafe) var entry: BackendEntry?
    /// The running model's backend.
    unowned(unsafe) var modelEntry: BackendEntry?
    /// Strict dispatch for this task, overriding the process setting.
    var strict: Bool?
    /// Where `recordingStatistics` counts.
    var collector: StatisticsCollector?
    /// The capture in progress on this task (child tasks inherit it: a capture records one
    /// task's ops, so a captured body must not fan ops out to child tasks).
    var recorder: StepRecorder?
  }
  @TaskLocal static var scope = Scope()

  /// Runs `body` with this task's scope changed by `change`.
  static func withScope<R>(_ change: (inout Scope) -> Void, _ body: () throws -> R) rethrows -> R {
    var changed = scope
    change(&changed)
    return try $scope.withValue(changed) { try body() }
  }

  private struct State {
    /// Every entry ever made; entries are never dropped, which lets the slots below hold them
    /// unretained.
    var entries: [ObjectIdentifier: BackendEntry] = [:]
  }
  /// The default and fallback entries, read on every op without taking the state's lock.
  private static let defaultSlot = EntrySlot()
  private static let fallbackSlot = EntrySlot()
  private static let state: Locked<State> = {
    let registry = BackendRegistry.shared
    let preferred = BuiltinBackends.registerIfNeeded(in: registry)
    var initial = State()
    for backend in registry.all {
      initial.entries[ObjectIdentifier(backend)] = BackendEntry(backend)
    }
    let fallback = registry.fallback.flatMap { initial.entries[ObjectIdentifier($0)] }
    fallbackSlot.store(fallback)
    defaultSlot.store(preferred.flatMap { initial.entries[ObjectIdentifier($0)] } ?? fallback)
    return Locked(initial)
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

  /// True once the state exists: its first use registers the built-in backends and fills the
  /// slots. A plain `Bool`, so checking it costs one `swift_once` test.
  private static let bootstrapped: Bool = state.withLock { _ in true }

  static var defaultEntry: BackendEntry? {
    _ = bootstrapped
    return defaultSlot.load()
  }

  static func setDefault(_ entry: BackendEntry) { defaultSlot.store(entry) }

  /// The process-wide strict setting: read on every fallback, so an atomic, not the state lock.
  private static let strictFlag = Atomic(false)

  static var globalStrict: Bool {
    get { strictFlag.load(ordering: .relaxed) }
    set { strictFlag.store(newValue, ordering: .relaxed) }
  }

  /// The backend ops run on right now, before any fallback.
  static var selectedEntry: BackendEntry? { selectedEntry(in: scope) }

  /// The backend ops run on under `scope`, before any fallback.
  @inline(__always)
  static func selectedEntry(in scope: Scope) -> BackendEntry? {
    scope.entry ?? scope.modelEntry ?? defaultEntry
  }

  /// The fallback backend's entry.
  static var fallbackEntry: BackendEntry? {
    _ = bootstrapped
    return fallbackSlot.load()
  }

  /// Whether the selected backend or the fallback runs `op` for `dtype`: kernel families ask
  /// this before dispatching, and run their composite when neither does.
  static func anyBackendSupports(_ op: OpCode, _ dtype: DType) -> Bool {
    // bfloat16 runs in float32 between casts where no backend has a bfloat16 kernel: a fused
    // op then rounds once, where its composite would round after every piece.
    if dtype == .bfloat16 { return anyBackendSupports(op, .float32) }
    let scope = self.scope
    if let selected = selectedEntry(in: scope), selected.supports(op, dtype) { return true }
    // In strict mode a fallback is an error: the family's composite runs on the selected
    // backend instead.
    guard !(scope.strict ?? globalStrict) else { return false }
    return fallbackEntry?.supports(op, dtype) ?? false
  }

  static func countDispatch(on entry: BackendEntry, _ op: OpCode, in scope: Scope) {
    entry.countDispatch(op)
    scope.collector?.add(dispatchOn: entry.name, op)
  }

  /// Counts `op` as a fallback from `selected`, or throws in strict mode.
  static func countFallback(
    from selected: BackendEntry, _ op: OpCode, _ dtype: DType, in scope: Scope
  ) throws {
    if scope.strict ?? globalStrict {
      throw PlexusError.fallbackInStrictMode(
        op: op.description, dtype: dtype, backend: selected.name)
    }
    selected.countFallback(op)
    scope.collector?.add(fallbackFrom: selected.name, op)
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
    let result = try withScope({ $0.collector = collector }, body)
    return (result, collector.statistics)
  }

  /// Runs `body` with strict dispatch on or off for this task: in strict mode an op the
  /// selected backend does not support throws instead of falling back.
  public static func withStrictMode<R>(_ strict: Bool = true, _ body: () throws -> R) rethrows
    -> R
  {
    try withScope({ $0.strict = strict }, body)
  }
}

import Synchronization

/// Process-wide settings: the default backend, the thread count and strict dispatch.
///
/// Equivalent to `keras.config`, except that the backend is a run-time value: changing it
/// affects what runs next, with no re-import and no copies.
public enum Config {
  /// Makes `name` the default backend for everything that runs next.
  public static func setBackend(_ name: String) throws {
    Dispatcher.setDefault(try Dispatcher.entry(named: name))
  }

  /// The name of the default backend.
  public static var backend: String { Dispatcher.defaultEntry?.name ?? "none" }

  /// The backend ops run on right now: the innermost scope, else the model's, else the default.
  public static var currentBackend: String { Dispatcher.selectedEntry?.name ?? "none" }

  /// Every registered backend's name.
  public static var availableBackends: [String] {
    _ = Dispatcher.defaultEntry  // registers the built-ins
    return BackendRegistry.shared.names
  }

  /// Sets the thread count of every backend (OpenBLAS, the reference pool, OpenMP).
  public static func setThreads(_ count: Int) throws {
    guard (1...1024).contains(count) else {
      throw PlexusError.invalidArgument(
        context: "Config.setThreads", message: "thread count must be in 1...1024, received \(count)"
      )
    }
    _ = Dispatcher.defaultEntry
    BackendRegistry.shared.setThreadCount(count)
  }

  /// The thread count last set (0 when never set: each backend's own default).
  public static var threads: Int { BackendRegistry.shared.threadCount }

  /// Turns strict dispatch on or off process-wide (see ``Dispatcher/withStrictMode(_:_:)``).
  public static func setStrictDispatch(_ strict: Bool) { Dispatcher.globalStrict = strict }

  /// Whether strict dispatch is on process-wide.
  public static var strictDispatch: Bool { Dispatcher.globalStrict }

  /// Turns strict compilation on or off process-wide: a compiled step traced again for a new
  /// signature, or one that cannot be replayed, is then an error instead of a logged line.
  public static func setStrictCompilation(_ strict: Bool) {
    strictCompilationFlag.store(strict, ordering: .relaxed)
  }

  /// Whether strict compilation is on process-wide.
  public static var strictCompilation: Bool { strictCompilationFlag.load(ordering: .relaxed) }

  private static let strictCompilationFlag = Atomic(false)

  /// Sets the dtype policy layers made from now on take (Keras's
  /// `keras.config.set_dtype_policy`): `float32` or `mixed_bfloat16`.
  public static func setDTypePolicy(_ policy: DTypePolicy) throws {
    try policy.requireSupported("Config.setDTypePolicy")
    DTypePolicy.global.withLock { $0 = policy }
  }

  /// The process's dtype policy.
  public static var dtypePolicy: DTypePolicy { DTypePolicy.global.withLock { $0 } }

  /// Runs `body` with strict compilation on or off for this task only.
  public static func withStrictCompilation<R>(_ strict: Bool = true, _ body: () throws -> R)
    rethrows -> R
  {
    try StepFunction.$strictOverride.withValue(strict) { try body() }
  }
}

/// Runs `body` with `name` as the backend for every op it runs (on this task), whatever the
/// default or the model's backend.
///
/// ```swift
/// let y = try withBackend("openblas") { try Ops.matmul(a, b) }
/// ```
public func withBackend<R>(_ name: String, _ body: () throws -> R) throws -> R {
  let entry = try Dispatcher.entry(named: name)
  return try Dispatcher.withScope({ $0.entry = entry }, body)
}

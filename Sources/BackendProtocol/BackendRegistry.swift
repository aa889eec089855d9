import Synchronization

/// The backends this process knows, by name.
///
/// One backend is the fallback (the reference backend): it is registered first, cannot be
/// removed or replaced, and runs whatever the selected backend does not support.
public final class BackendRegistry: Sendable {
  /// The process-wide registry.
  public static let shared = BackendRegistry()

  private struct State {
    var backends: [any Backend] = []
    var fallback: (any Backend)?
    var threads = 0
    /// Why each backend that failed to load (a plugin) is missing, by the name it was asked for.
    var loadFailures: [String: String] = [:]
  }
  private let state = Mutex(State())

  /// Creates an empty registry (tests use their own).
  public init() {}

  /// Adds `backend`; `isFallback` marks the reference backend. A second backend with the same
  /// name replaces the first, unless the first is the fallback.
  public func register(_ backend: any Backend, isFallback: Bool = false) throws {
    let threads = try state.withLock { state in
      if let fallback = state.fallback, fallback.name == backend.name {
        throw PlexusError.invalidArgument(
          context: "BackendRegistry.register",
          message: "'\(backend.name)' is the fallback backend and cannot be replaced")
      }
      state.backends.removeAll { $0.name == backend.name }
      state.backends.append(backend)
      state.loadFailures[backend.name] = nil
      if isFallback { state.fallback = backend }
      return state.threads
    }
    // Outside the lock: a backend (a plugin) may ask the registry for the setting meanwhile.
    if threads > 0 { backend.setThreadCount(threads) }
  }

  /// The backend registered under `name`; for a name whose load failed, the error says why.
  public func backend(named name: String) throws -> any Backend {
    let (found, failure) = state.withLock { state in
      (state.backends.first { $0.name == name }, state.loadFailures[name])
    }
    if let found { return found }
    if let failure {
      throw PlexusError.resourceUnavailable("backend '\(name)' is not available: \(failure)")
    }
    throw PlexusError.unknownBackend(name: name, available: names)
  }

  /// Keeps why the backend `name` (a plugin) could not be loaded, so that asking for it by
  /// name reports the reason instead of an unknown name. Registering `name` later clears it.
  public func recordLoadFailure(name: String, reason: String) {
    state.withLock { $0.loadFailures[name] = reason }
  }

  /// Why each backend that failed to load is missing, by name.
  public var loadFailures: [String: String] { state.withLock { $0.loadFailures } }

  /// The names of every registered backend, in registration order.
  public var names: [String] { state.withLock { $0.backends.map(\.name) } }

  /// Every registered backend, in registration order.
  public var all: [any Backend] { state.withLock { $0.backends } }

  /// The backend that runs what others do not support.
  public var fallback: (any Backend)? { state.withLock { $0.fallback } }

  /// Applies one thread count to every backend, now and to those registered later.
  public func setThreadCount(_ count: Int) {
    let backends = state.withLock { state in
      state.threads = count
      return state.backends
    }
    for backend in backends { backend.setThreadCount(count) }
  }

  /// The thread count last set, or 0 when none was.
  public var threadCount: Int { state.withLock { $0.threads } }
}

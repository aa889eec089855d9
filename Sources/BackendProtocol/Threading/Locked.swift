import Glibc

/// A mutual-exclusion lock over a `pthread_mutex_t`, for state that the compiler cannot check
/// (the bookkeeping of a non-`Sendable` layer that `SharedModel` runs from many threads, a
/// backend's primitive cache); shared by the package's modules.
///
/// Why not `Synchronization.Mutex`: on Linux its lock lives in the prebuilt Synchronization
/// library, where ThreadSanitizer cannot see it, so every value it guards is reported as a race
/// (measured with Swift 6.3.1). A pthread mutex is intercepted by ThreadSanitizer, so the CI's
/// race check sees what the code does. Not reentrant: a thread that takes it twice deadlocks.
package final class Lock: @unchecked Sendable {
  // The pthread mutex is itself thread-safe; it needs a stable address, hence the allocation.
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  package init() {
    mutex = .allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` holding the lock.
  package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
    lock()
    defer { unlock() }
    return try body()
  }

  /// Takes the lock; pair with ``unlock()``.
  package func lock() { pthread_mutex_lock(mutex) }

  /// Takes the lock if no one holds it; true when taken.
  package func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

  /// Releases the lock taken by ``lock()``.
  package func unlock() { pthread_mutex_unlock(mutex) }
}

/// A value that is only reached while holding a ``Lock``, with the same region checking as
/// `Synchronization.Mutex` (`inout sending` access, `sending` results), so that a `Sendable`
/// class can keep its mutable state in one and the compiler checks what goes in and out.
package final class Locked<Value>: @unchecked Sendable {
  private let lock = Lock()
  // Reached only inside `lock`, through `withLock` (or `withLockHeld` after `lockUnscoped`).
  private var value: Value

  /// Creates the lock around `initialValue`.
  package init(_ initialValue: sending Value) {
    value = initialValue
  }

  /// Runs `body` with exclusive access to the value.
  package func withLock<Result, E: Error>(
    _ body: (inout sending Value) throws(E) -> sending Result
  ) throws(E) -> sending Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}

extension Locked {
  /// Takes the lock outside a `withLock` scope, for code that must hold several locks at once
  /// in one global order (``Variable``'s multi-variable update). Pair with
  /// ``unlockUnscoped()``, and reach the value meanwhile only through ``withLockHeld(_:)``.
  package func lockUnscoped() { lock.lock() }

  /// Releases the lock taken by ``lockUnscoped()``.
  package func unlockUnscoped() { lock.unlock() }

  /// Runs `body` on the value; the caller holds the lock through ``lockUnscoped()``.
  package func withLockHeld<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    try body(&value)
  }
}

extension Locked where Value: Sendable {
  /// The value, read or changed in place under the lock: `locked.current.add(x)` is one
  /// critical section, not a read and a write that another thread could come between.
  package var current: Value {
    _read {
      lock.lock()
      defer { lock.unlock() }
      yield value
    }
    _modify {
      lock.lock()
      defer { lock.unlock() }
      yield &value
    }
  }
}

import Glibc

/// A mutual-exclusion lock over a `pthread_mutex_t`.
///
/// Why not `Synchronization.Mutex`: on Linux its lock lives in the prebuilt Synchronization
/// library, where ThreadSanitizer cannot see it, so every value it guards is reported as a race.
/// A pthread mutex is intercepted by ThreadSanitizer. Not reentrant.
final class Lock: @unchecked Sendable {
  // The pthread mutex is itself thread-safe; it needs a stable address, hence the allocation.
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  init() {
    mutex = .allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` holding the lock.
  func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}

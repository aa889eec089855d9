import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A size-class pool of aligned host buffers, so the small, repeated allocations of a training
/// step cost a lock and a pop instead of a trip to the system allocator.
///
/// Sizes round up to a power of two between 64 bytes and ``maximumPooledBytes``; larger requests
/// are allocated exactly and freed at once. The pool holds at most ``retainLimitBytes`` of idle
/// memory, so peak memory stays close to what the live tensors need.
public final class StoragePool: Sendable {
  /// The process-wide pool.
  public static let shared = StoragePool()

  /// Buffers above this size bypass the pool.
  public let maximumPooledBytes = 16 << 20
  /// Idle memory above this is released to the system.
  public let retainLimitBytes = 96 << 20

  private struct State {
    // Addresses as integers: raw pointers are not Sendable, and the lock guards them anyway.
    var buckets: [[UInt]] = Array(repeating: [], count: 32)
    var idleBytes = 0
    var hits = 0
    var misses = 0
  }
  private let state = Mutex(State())

  private init() {}

  /// Takes a buffer of at least `byteCount` bytes; returns it and its real capacity, or nil
  /// when the system has no memory to give.
  func take(byteCount: Int) -> (UnsafeMutableRawPointer, Int)? {
    guard byteCount <= maximumPooledBytes else {
      return allocate(max(byteCount, 1)).map { ($0, byteCount) }
    }
    let bucket = Self.bucket(for: byteCount)
    let capacity = 1 << bucket
    let reused = state.withLock { state -> UInt? in
      if let address = state.buckets[bucket].popLast() {
        state.idleBytes -= capacity
        state.hits += 1
        return address
      }
      state.misses += 1
      return nil
    }
    if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) {
      return (pointer, capacity)
    }
    return allocate(capacity).map { ($0, capacity) }
  }

  /// Returns a buffer taken with `take`.
  func give(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
    guard capacity > 0, capacity <= maximumPooledBytes, capacity.nonzeroBitCount == 1 else {
      free(pointer)
      return
    }
    let bucket = capacity.trailingZeroBitCount
    let address = UInt(bitPattern: pointer)
    let kept = state.withLock { state -> Bool in
      guard state.idleBytes + capacity <= retainLimitBytes else { return false }
      state.buckets[bucket].append(address)
      state.idleBytes += capacity
      return true
    }
    if !kept { free(pointer) }
  }

  /// Frees every idle buffer.
  public func trim() {
    let idle = state.withLock { state -> [UInt] in
      let all = state.buckets.flatMap { $0 }
      state.buckets = Array(repeating: [], count: 32)
      state.idleBytes = 0
      return all
    }
    for address in idle { free(UnsafeMutableRawPointer(bitPattern: address)) }
  }

  /// Idle bytes held, and how many takes were served from the pool or the system.
  public var statistics: (idleBytes: Int, hits: Int, misses: Int) {
    state.withLock { ($0.idleBytes, $0.hits, $0.misses) }
  }

  /// Aligned memory from the system, or nil when it has none: `posix_memalign` reports a
  /// failure where Swift's allocator would end the process.
  private func allocate(_ bytes: Int) -> UnsafeMutableRawPointer? {
    var pointer: UnsafeMutableRawPointer?
    guard posix_memalign(&pointer, Storage.alignment, bytes) == 0 else { return nil }
    return pointer
  }

  private static func bucket(for byteCount: Int) -> Int {
    let minimum = 6  // 64 bytes
    guard byteCount > 1 << minimum else { return minimum }
    return Int.bitWidth - (byteCount - 1).leadingZeroBitCount
  }
}

import BackendProtocol

/// What identifies a plan: the op, a variant (algorithm, broadcast case, transposes), and
/// every size the plan's descriptors were built from. (Every plan is made and run for one
/// OpenMP thread: ``OneDNNBackend/parallelElementsFrom`` says why.)
struct PrimitiveKey: Hashable {
  let op: OpCode
  let variant: Int
  let sizes: [Int]
}

/// The plans this backend has created, bounded and shared between threads: a repeated op finds
/// its plan here and creates no primitive.
///
/// When full, the least recently used plan is dropped; a thread still running it keeps it
/// alive until the run ends (plans are reference-counted), so eviction never frees a primitive
/// in use.
final class PrimitiveCache: @unchecked Sendable {
  private final class Entry {
    let plan: PrimitivePlan
    var lastUse: UInt64
    init(_ plan: PrimitivePlan, _ lastUse: UInt64) {
      self.plan = plan
      self.lastUse = lastUse
    }
  }

  /// The most plans kept.
  let capacity: Int
  private let lock = Lock()
  // Everything below is read and written only under `lock`.
  private var entries: [PrimitiveKey: Entry] = [:]
  private var clock: UInt64 = 0
  private var created = 0

  init(capacity: Int) { self.capacity = Swift.max(1, capacity) }

  /// The plan for `key`, made by `make` (outside the lock: creating primitives can take
  /// milliseconds) when the cache has none.
  func plan(_ key: PrimitiveKey, _ make: () throws -> PrimitivePlan) throws -> PrimitivePlan {
    if let found = lock.withLock({ () -> PrimitivePlan? in
      guard let entry = entries[key] else { return nil }
      clock &+= 1
      entry.lastUse = clock
      return entry.plan
    }) {
      return found
    }
    let made = try make()
    return lock.withLock {
      created += made.primitiveCount
      clock &+= 1
      // Another thread may have made the same plan meanwhile: keep the first.
      if let entry = entries[key] {
        entry.lastUse = clock
        return entry.plan
      }
      if entries.count >= capacity,
        let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })
      {
        entries[oldest.key] = nil
      }
      entries[key] = Entry(made, clock)
      return made
    }
  }

  /// The number of primitives created since this cache was made.
  var primitivesCreated: Int { lock.withLock { created } }

  /// oneDNN's names for the kernels of the plans held (`brg:avx512_core`, `ref:any`).
  var implementations: Set<String> {
    lock.withLock {
      Set(entries.values.flatMap { $0.plan.steps.map(\.primitive.implementation) })
    }
  }

  /// The number of plans held.
  var count: Int { lock.withLock { entries.count } }
}

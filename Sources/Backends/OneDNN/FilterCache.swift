import BackendProtocol

/// Filters already reordered into a convolution's preferred layout, so that running the same
/// weights again (inference, evaluation) reorders nothing.
///
/// An entry is keyed by the filter's storage and the reorder that made it, and holds both
/// strongly. Holding the storage is what makes the entry sound: a storage's identity cannot be
/// reused while the entry lives, tensors never change after they are made, and a `Variable`
/// updated in place copies its storage first when anything else holds it (copy-on-write), so
/// the held contents are the ones the entry was made from. (In training that copy is the
/// filter's size once a step, microseconds; each step's filter is a new storage and a miss.)
/// Memory this framework does not own (`Storage(wrapping:)`: a caller's buffer) and views (a
/// compiled step's arena and variables, written in place) are never cached: their contents
/// change behind the storage's identity.
final class FilterCache: Sendable {
  private struct Entry {
    let filter: Storage
    let reorder: PrimitivePlan
    let reordered: Storage
    var lastUse: UInt64
  }

  private struct State {
    var entries: [Entry] = []
    var heldBytes = 0
    var clock: UInt64 = 0
    var reorders = 0
  }

  /// The most filters kept (a few per convolution: forward and backward layouts, this step's
  /// and the last).
  let capacity: Int
  /// The most bytes the kept filters and their reordered copies may hold together; a filter
  /// larger than a quarter of it is reordered on every call instead.
  let byteBudget: Int
  private let state = Locked(State())

  init(capacity: Int, byteBudget: Int = 64 << 20) {
    self.capacity = Swift.max(1, capacity)
    self.byteBudget = Swift.max(0, byteBudget)
  }

  /// The filter in `storage` reordered by `reorder` (operands: the filter, then the result of
  /// `bytes` bytes): the cached result when there is one, else a fresh one, cached unless the
  /// filter's memory is not the framework's.
  func reordered(_ filter: Storage, by reorder: PrimitivePlan, bytes: Int, op: OpCode) throws
    -> Storage
  {
    if let found = state.withLock({ state -> Storage? in
      guard
        let index = state.entries.firstIndex(where: {
          $0.filter === filter && $0.reorder === reorder
        })
      else { return nil }
      state.clock &+= 1
      state.entries[index].lastUse = state.clock
      return state.entries[index].reordered
    }) {
      return found
    }
    // The reorder runs outside the lock; two threads missing at once both reorder, and the
    // second keeps its own result uncached.
    let result = try Storage(byteCount: bytes)
    try reorder.run([filter.base, result.base], op: op)
    let size = filter.byteCount + bytes
    let (capacity, byteBudget) = (capacity, byteBudget)
    state.withLock { state in
      state.reorders += 1
      guard filter.isCacheable, size <= byteBudget / 4,
        !state.entries.contains(where: { $0.filter === filter && $0.reorder === reorder })
      else { return }
      while state.entries.count >= capacity || state.heldBytes + size > byteBudget,
        let oldest = state.entries.indices.min(by: {
          state.entries[$0].lastUse < state.entries[$1].lastUse
        })
      {
        let evicted = state.entries.remove(at: oldest)
        state.heldBytes -= evicted.filter.byteCount + evicted.reordered.byteCount
      }
      state.clock &+= 1
      state.heldBytes += size
      state.entries.append(
        Entry(filter: filter, reorder: reorder, reordered: result, lastUse: state.clock))
    }
    return result
  }

  /// The number of filter reorders run: repeated inference with the same weights adds none.
  var reorderCount: Int { state.withLock { $0.reorders } }
}

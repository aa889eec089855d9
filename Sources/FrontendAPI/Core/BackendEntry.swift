import Synchronization

/// A registered backend as the dispatcher sees it: the backend, its support table computed once,
/// and its dispatch counters.
final class BackendEntry: Sendable {
  let backend: any Backend
  let name: String
  /// Whether the backend must also be asked about each record (its answer depends on
  /// attributes or later input dtypes).
  let refinesSupport: Bool
  private let supportTable: [Bool]
  /// Dispatch and fallback counts per op code, atomics that every dispatch bumps without a lock.
  private let dispatchCounts = AtomicCounts(BackendEntry.opSlots)
  private let fallbackCounts = AtomicCounts(BackendEntry.opSlots)

  struct Counters {
    var dispatches = [Int](repeating: 0, count: BackendEntry.opSlots)
    var fallbacks = [Int](repeating: 0, count: BackendEntry.opSlots)
  }

  /// One slot per op code value, sized from the codes themselves so appended ones fit.
  static let opSlots = Int(OpCode.allCases.map(\.rawValue).max() ?? 0) + 1
  static let dtypeSlots = Int(DType.allCases.map(\.rawValue).max() ?? 0) + 1

  init(_ backend: any Backend) {
    self.backend = backend
    self.name = backend.name
    self.refinesSupport = backend.refinesSupport
    var table = [Bool](repeating: false, count: Self.opSlots * Self.dtypeSlots)
    for op in OpCode.allCases {
      for dtype in DType.allCases {
        table[Self.slot(op, dtype)] = backend.supports(op, dtype)
      }
    }
    self.supportTable = table
  }

  @inline(__always)
  static func slot(_ op: OpCode, _ dtype: DType) -> Int {
    Int(op.rawValue) &* dtypeSlots &+ Int(dtype.rawValue)
  }

  @inline(__always)
  func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    let index = Self.slot(op, dtype)
    return index < supportTable.count && supportTable[index]
  }

  func countDispatch(_ op: OpCode) { dispatchCounts.increment(Int(op.rawValue)) }

  func countFallback(_ op: OpCode) { fallbackCounts.increment(Int(op.rawValue)) }

  func snapshot() -> Counters {
    Counters(dispatches: dispatchCounts.values(), fallbacks: fallbackCounts.values())
  }

  func reset() {
    dispatchCounts.reset()
    fallbackCounts.reset()
  }
}

/// A fixed number of counters, each an atomic: incremented from any thread without a lock.
/// `@unchecked` only because the compiler cannot see through the pointer: it never changes, and
/// the memory behind it is read and written through `Atomic` operations alone.
final class AtomicCounts: @unchecked Sendable {
  private let slots: UnsafeMutablePointer<Atomic<Int>>
  private let count: Int

  init(_ count: Int) {
    self.count = Swift.max(count, 0)
    slots = .allocate(capacity: self.count)
    for index in 0..<self.count { (slots + index).initialize(to: Atomic(0)) }
  }

  deinit {
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  /// Adds one to counter `index`; an index outside the range is ignored.
  func increment(_ index: Int) {
    guard index >= 0, index < count else { return }
    slots[index].wrappingAdd(1, ordering: .relaxed)
  }

  /// Every counter's value.
  func values() -> [Int] { (0..<count).map { slots[$0].load(ordering: .relaxed) } }

  func reset() {
    for index in 0..<count { slots[index].store(0, ordering: .relaxed) }
  }
}

/// An atomically replaceable reference to an entry, held unretained: the dispatcher keeps every
/// entry it makes for the life of the process, so a loaded entry is always alive.
final class EntrySlot: Sendable {
  private let bits = Atomic<UInt>(0)

  func load() -> BackendEntry? {
    guard let pointer = UnsafeRawPointer(bitPattern: bits.load(ordering: .acquiring)) else {
      return nil
    }
    return Unmanaged<BackendEntry>.fromOpaque(pointer).takeUnretainedValue()
  }

  func store(_ entry: BackendEntry?) {
    let pointer = entry.map { Unmanaged.passUnretained($0).toOpaque() }
    bits.store(UInt(bitPattern: pointer), ordering: .releasing)
  }
}

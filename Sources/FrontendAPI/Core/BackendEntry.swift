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
  private let counters = Locked(Counters())

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

  func countDispatch(_ op: OpCode) {
    counters.withLock { $0.dispatches[Int(op.rawValue)] += 1 }
  }

  func countFallback(_ op: OpCode) {
    counters.withLock { $0.fallbacks[Int(op.rawValue)] += 1 }
  }

  func snapshot() -> Counters { counters.withLock { $0 } }

  func reset() { counters.withLock { $0 = Counters() } }
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

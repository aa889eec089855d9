import BackendProtocol
import Foundation

/// The processes `mpirun` started, as one group: a duplicate of `MPI_COMM_WORLD` (so a program's
/// own MPI traffic never mixes with Plexus's) behind the few collectives ``DataParallel``
/// needs, each non-blocking and waited on by polling a mailbox of notices beside it, so that a
/// process that fails, or exits before joining a collective, ends the wait on the others with
/// an error naming it instead of a hang.
///
/// Notices: a failure (``announceFailure(_:)``, the message), and at exit the number of
/// collectives the process started; a process waiting in a later collective than an exited
/// one has started throws.
///
/// MPI runs at `MPI_THREAD_SERIALIZED` with one communicating thread at a time: every call
/// holds `lock`. After a failure every collective throws. Memory an unfinished MPI request
/// still points at is never freed (``MPIBuffer``s are kept in `abandoned`).
///
/// `@unchecked Sendable`: `rank`, `size`, `mpi` and `communicator` are set once in `init`;
/// every other mutable property (the failure, the counts, the mailbox and its buffer, the
/// abandoned buffers) is touched only under `lock` (at exit, only when `tryLock` got it).
final class MPIWorld: @unchecked Sendable {
  let rank: Int
  let size: Int
  private let mpi: MPILibrary
  /// The duplicate of `MPI_COMM_WORLD` every collective runs on; set once, in `init`.
  private let communicator: MPILibrary.Handle
  private let lock = Lock()
  private var failure: String?
  /// Whether `failure` came from another process's notice (then it is not announced again).
  private var failureIsRemote = false
  private var announced = false
  /// Collectives this process has started.
  private var collectives = 0
  /// Processes that exited, with the collectives each had started.
  private var exited: [Int: Int] = [:]
  private var mailbox: MPILibrary.Request = nil
  private let notice = MPIBuffer<UInt8>(noticeBytes)
  /// Buffers of requests that never completed (a failure ended the wait): MPI may still
  /// write them, so they are never freed.
  private var abandoned: [AnyObject] = []
  private static let noticeBytes = 1024
  private static let noticeTag: Int32 = 7_301
  /// The largest transfer in one MPI call (counts are `int`).
  static let chunkBytes = 1 << 30

  /// The process's world, set up once (`MPI_Init_thread` when nothing initialised MPI yet).
  /// Every process must make it: duplicating the communicator is collective.
  static func shared() throws -> MPIWorld {
    try sharedWorld.withLock { world in
      if let world { return world }
      let made = try MPIWorld()
      world = made
      return made
    }
  }

  private static let sharedWorld = Locked<MPIWorld?>(nil)

  private init() throws {
    let mpi = try MPILibrary()
    self.mpi = mpi
    var flag: Int32 = 0
    _ = mpi.initialized(&flag)
    var provided: Int32 = 0
    if flag == 0 {
      let code = mpi.initThread(nil, nil, MPILibrary.threadSerialized, &provided)
      guard code == 0 else {
        throw PlexusError.invalidState(
          context: "DataParallel", message: "MPI_Init_thread failed: \(mpi.describe(code))")
      }
      atexit { MPIWorld.leaveAtExit() }
    } else {
      _ = mpi.queryThread(&provided)
    }
    guard provided >= MPILibrary.threadSerialized else {
      throw PlexusError.invalidState(
        context: "DataParallel",
        message: "MPI runs at thread level \(provided); Plexus needs MPI_THREAD_SERIALIZED (2), "
          + "one communicating thread at a time (initialise MPI with MPI_Init_thread and "
          + "MPI_THREAD_SERIALIZED, or let Plexus initialise it)")
    }
    _ = mpi.setErrorHandler(mpi.commWorld, mpi.errorsReturn)
    var duplicate: MPILibrary.Handle?
    let code = mpi.commDup(mpi.commWorld, &duplicate)
    guard code == 0, let duplicate else {
      throw PlexusError.invalidState(
        context: "DataParallel", message: "MPI_Comm_dup failed: \(mpi.describe(code))")
    }
    communicator = duplicate
    _ = mpi.setErrorHandler(duplicate, mpi.errorsReturn)
    var rank: Int32 = 0
    var size: Int32 = 0
    _ = mpi.commRank(duplicate, &rank)
    _ = mpi.commSize(duplicate, &size)
    self.rank = Int(rank)
    self.size = Int(size)
    if size > 1 { try postMailbox() }
  }

  private func postMailbox() throws {
    let code = mpi.irecv(
      notice.raw, Int32(Self.noticeBytes), mpi.byte, -1, Self.noticeTag, communicator, &mailbox)
    try check(code, "MPI_Irecv")
  }

  private func pending(_ request: MPILibrary.Request) -> Bool {
    request != nil && request != mpi.requestNull
  }

  /// At exit: tells the other processes how many collectives this one started (so none waits
  /// for one it will never join), then finalizes MPI, unless a failure left collectives
  /// pending or another thread is inside one (finalizing would wait for them; `mpirun`
  /// reports the exit instead).
  private static func leaveAtExit() {
    guard let world = sharedWorld.withLock({ $0 }), world.lock.tryLock() else { return }
    defer { world.lock.unlock() }
    world.send(kind: Int64(world.collectives), text: "rank \(world.rank) exited")
    guard world.failure == nil else { return }
    if world.pending(world.mailbox) {
      _ = world.mpi.cancel(&world.mailbox)
      _ = world.mpi.requestFree(&world.mailbox)
    }
    var done: Int32 = 0
    _ = world.mpi.finalized(&done)
    if done == 0 { _ = world.mpi.finalize() }
  }

  private func check(_ code: Int32, _ call: String) throws {
    guard code == 0 else {
      let message = "\(call) failed on rank \(rank): \(mpi.describe(code))"
      failure = failure ?? message
      throw PlexusError.invalidState(context: "DataParallel", message: message)
    }
  }

  private func fail(_ message: String, remote: Bool) -> PlexusError {
    if failure == nil {
      failure = message
      failureIsRemote = remote
    }
    return PlexusError.invalidState(context: "DataParallel", message: failure ?? message)
  }

  /// Throws when a process has failed, or exited before joining the collective this one is
  /// in; `lock` held.
  private func checkHealth() throws {
    if let failure {
      throw PlexusError.invalidState(context: "DataParallel", message: failure)
    }
    while pending(mailbox) {
      var arrived: Int32 = 0
      _ = mpi.test(&mailbox, &arrived, nil)
      guard arrived != 0 else { break }
      let kind = notice.load(Int64.self, at: 0)
      let sender = Int(notice.load(Int64.self, at: 8))
      let bytes = UnsafeRawBufferPointer(start: notice.raw + 16, count: Self.noticeBytes - 16)
      let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
      if kind < 0 { throw fail(text, remote: true) }
      exited[sender] = Int(kind)
      try postMailbox()
    }
    for (peer, started) in exited.sorted(by: { $0.key < $1.key }) where collectives > started {
      throw fail(
        "rank \(peer) of \(size) exited after \(started) collectives; rank \(rank) waits in "
          + "collective \(collectives), which rank \(peer) never joined", remote: true)
    }
  }

  /// Waits for `request`, polling for notices meanwhile; `lock` held. When the wait ends in an
  /// error, `buffers` (what the request reads or writes) are never freed.
  private func wait(_ request: inout MPILibrary.Request, _ call: String, _ buffers: [AnyObject])
    throws
  {
    var spins = 0
    do {
      while true {
        var done: Int32 = 0
        try check(mpi.test(&request, &done, nil), call)
        if done != 0 { return }
        try checkHealth()
        spins += 1
        // Yield the core: ranks may outnumber cores, and the one we wait for needs it.
        if spins > 64 { sched_yield() }
      }
    } catch {
      abandoned += buffers
      throw error
    }
  }

  /// Sends a notice (`kind` -1: a failure; else collectives started, at exit) to every other
  /// process; waits at most 2 s for the sends (small messages leave at once); `lock` held.
  private func send(kind: Int64, text: String) {
    guard size > 1 else { return }
    let message = MPIBuffer<UInt8>(Self.noticeBytes)
    message.store(kind, at: 0)
    message.store(Int64(rank), at: 8)
    message.copy(from: Array(text.utf8.prefix(Self.noticeBytes - 17)), at: 16)
    var requests = [MPILibrary.Request](repeating: nil, count: size)
    for peer in 0..<size where peer != rank {
      _ = mpi.isend(
        message.raw, Int32(Self.noticeBytes), mpi.byte, Int32(peer), Self.noticeTag, communicator,
        &requests[peer])
    }
    let deadline = Date().addingTimeInterval(2)
    for peer in 0..<size where pending(requests[peer]) {
      var done: Int32 = 0
      while done == 0, Date() < deadline {
        _ = mpi.test(&requests[peer], &done, nil)
        if done == 0 { sched_yield() }
      }
    }
    if requests.contains(where: pending) { abandoned.append(message) }
  }

  /// Whether this process's failure came from another process (its notice, or its exit in the
  /// middle of a collective): then the other process has said what went wrong.
  var failedElsewhere: Bool { lock.withLock { failure != nil && failureIsRemote } }

  /// Tells every other process that this one failed with `message`, so that their collectives
  /// end with it; later collectives here throw it too. Once; never for a failure another
  /// process announced.
  func announceFailure(_ message: String) {
    lock.withLock {
      guard !announced, !failureIsRemote else { return }
      announced = true
      let text = "rank \(rank) of \(size) failed: \(message)"
      if failure == nil { failure = text }
      send(kind: -1, text: text)
    }
  }

  /// Starts a collective: checks health and counts it; `lock` held.
  private func begin() throws {
    try checkHealth()
    collectives += 1
  }

  /// Rank `root`'s `bytes` on every rank (the others' `bytes` are replaced).
  func broadcast(_ bytes: inout [UInt8], root: Int = 0) throws {
    try lock.withLock {
      try begin()
      let count = MPIBuffer<Int64>(1)
      count[0] = Int64(bytes.count)
      var request: MPILibrary.Request = nil
      try check(
        mpi.ibcast(count.raw, 8, mpi.byte, Int32(root), communicator, &request), "MPI_Ibcast")
      try wait(&request, "MPI_Ibcast", [count])
      guard count[0] >= 0, count[0] <= Int64(Shape.maximumElementCount) else {
        throw PlexusError.invalidState(
          context: "DataParallel", message: "rank \(root) broadcast an invalid size \(count[0])")
      }
      let data = MPIBuffer<UInt8>(Int(count[0]))
      if rank == root { data.copy(from: bytes, at: 0) }
      var offset = 0
      while offset < data.count {
        let length = Swift.min(Self.chunkBytes, data.count - offset)
        try check(
          mpi.ibcast(
            data.raw + offset, Int32(length), mpi.byte, Int32(root), communicator, &request),
          "MPI_Ibcast")
        try wait(&request, "MPI_Ibcast", [data])
        offset += length
      }
      if rank != root { bytes = data.array() }
    }
  }

  /// Every rank's `bytes`, in rank order (lengths may differ).
  func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] {
    try lock.withLock {
      try begin()
      let length = MPIBuffer<Int64>(1)
      length[0] = Int64(bytes.count)
      let lengths = MPIBuffer<Int64>(size)
      var request: MPILibrary.Request = nil
      try check(
        mpi.iallgather(
          length.raw, 8, mpi.byte, lengths.raw, 8, mpi.byte, communicator, &request),
        "MPI_Iallgather")
      try wait(&request, "MPI_Iallgather", [length, lengths])
      let sizes = lengths.array()
      let total = sizes.reduce(0) { $0 &+ $1 }
      guard sizes.allSatisfy({ $0 >= 0 && $0 < Int64(Self.chunkBytes) }),
        total < Int64(Self.chunkBytes)
      else {
        throw PlexusError.invalidState(
          context: "DataParallel",
          message: "an all-gather of \(total) bytes is more than one call carries (2^30)")
      }
      let counts = MPIBuffer<Int32>(size)
      let starts = MPIBuffer<Int32>(size)
      var start: Int32 = 0
      for index in 0..<size {
        counts[index] = Int32(sizes[index])
        starts[index] = start
        start += counts[index]
      }
      let send = MPIBuffer<UInt8>(bytes.count)
      send.copy(from: bytes, at: 0)
      let gathered = MPIBuffer<UInt8>(Int(total))
      try check(
        mpi.iallgatherv(
          send.raw, Int32(bytes.count), mpi.byte, gathered.raw, counts.typed, starts.typed,
          mpi.byte, communicator, &request), "MPI_Iallgatherv")
      try wait(&request, "MPI_Iallgatherv", [send, gathered, counts, starts])
      let all = gathered.array()
      return (0..<size).map { Array(all[Int(starts[$0])..<Int(starts[$0] + counts[$0])]) }
    }
  }

  /// The elementwise maximum of `values` over the ranks (exact in any order).
  func maximum(_ values: [Int64]) throws -> [Int64] {
    try lock.withLock {
      try begin()
      let send = MPIBuffer<Int64>(values.count)
      send.copy(from: values, at: 0)
      let result = MPIBuffer<Int64>(values.count)
      var request: MPILibrary.Request = nil
      try check(
        mpi.iallreduce(
          send.raw, result.raw, Int32(values.count), mpi.int64, mpi.opMax, communicator,
          &request), "MPI_Iallreduce")
      try wait(&request, "MPI_Iallreduce", [send, result])
      return result.array()
    }
  }

  /// Replaces the first `count` values of `values` with their sum over the ranks, added in
  /// rank order (rank 0's plus rank 1's, plus rank 2's, …) for every element, so that every
  /// rank holds the same bits and a one-process loop adding the shards in order computes them
  /// too.
  ///
  /// Bandwidth-optimal like a ring all-reduce: each rank gathers one slice of every rank's
  /// values (`MPI_Ialltoallv`), sums it in rank order, and the summed slices are gathered
  /// back (`MPI_Iallgatherv`).
  func sumInRankOrder<Element: BinaryFloatingPoint>(_ values: MPIBuffer<Element>, count: Int)
    throws
  {
    try lock.withLock {
      try begin()
      let width = MemoryLayout<Element>.stride
      guard count > 0 else { return }
      guard count <= values.count, count * width < Self.chunkBytes else {
        throw PlexusError.invalidArgument(
          context: "DataParallel", message: "a bucket of \(count) values is too large for one call")
      }
      let bounds = (0...size).map { count * $0 / size }
      let sliceCounts = MPIBuffer<Int32>(size)
      let sliceStarts = MPIBuffer<Int32>(size)
      let mine = bounds[rank + 1] - bounds[rank]
      let receiveCounts = MPIBuffer<Int32>(size)
      let receiveStarts = MPIBuffer<Int32>(size)
      for peer in 0..<size {
        sliceCounts[peer] = Int32((bounds[peer + 1] - bounds[peer]) * width)
        sliceStarts[peer] = Int32(bounds[peer] * width)
        receiveCounts[peer] = Int32(mine * width)
        receiveStarts[peer] = Int32(peer * mine * width)
      }
      let gathered = MPIBuffer<Element>(mine * size)
      let buffers: [AnyObject] = [
        values, gathered, sliceCounts, sliceStarts, receiveCounts, receiveStarts,
      ]
      var request: MPILibrary.Request = nil
      try check(
        mpi.ialltoallv(
          values.raw, sliceCounts.typed, sliceStarts.typed, mpi.byte, gathered.raw,
          receiveCounts.typed, receiveStarts.typed, mpi.byte, communicator, &request),
        "MPI_Ialltoallv")
      try wait(&request, "MPI_Ialltoallv", buffers)
      let summed = MPIBuffer<Element>(mine)
      for index in 0..<mine { summed[index] = gathered[index] }
      for peer in 1..<Swift.max(size, 1) {
        let offset = peer * mine
        for index in 0..<mine { summed[index] = summed[index] + gathered[offset + index] }
      }
      try check(
        mpi.iallgatherv(
          summed.raw, Int32(mine * width), mpi.byte, values.raw, sliceCounts.typed,
          sliceStarts.typed, mpi.byte, communicator, &request), "MPI_Iallgatherv")
      try wait(&request, "MPI_Iallgatherv", buffers + [summed])
    }
  }
}

/// Memory an MPI call may still read or write after the call returns (until its request
/// completes): allocated and zeroed here, freed with the value, never moved meanwhile.
final class MPIBuffer<Element> {
  let count: Int
  let typed: UnsafeMutablePointer<Element>

  init(_ count: Int) {
    self.count = Swift.max(count, 0)
    typed = .allocate(capacity: Swift.max(self.count, 1))
    memset(typed, 0, Swift.max(self.count, 1) * MemoryLayout<Element>.stride)
  }

  deinit { typed.deallocate() }

  var raw: UnsafeMutableRawPointer { UnsafeMutableRawPointer(typed) }

  subscript(index: Int) -> Element {
    get { typed[index] }
    set { typed[index] = newValue }
  }

  /// Copies `values` in from element `start` (as many as fit).
  func copy(from values: [Element], at start: Int) {
    for (index, value) in values.prefix(Swift.max(0, count - start)).enumerated() {
      typed[start + index] = value
    }
  }

  func array() -> [Element] { Array(UnsafeBufferPointer(start: typed, count: count)) }

  /// A value of `type` at byte `offset` (bytes of the buffer, read unaligned).
  func load<T>(_ type: T.Type, at offset: Int) -> T {
    UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: offset, as: type)
  }

  /// Stores `value` at byte `offset`.
  func store<T>(_ value: T, at offset: Int) {
    raw.storeBytes(of: value, toByteOffset: offset, as: T.self)
  }
}

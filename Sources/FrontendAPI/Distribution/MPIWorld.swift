import BackendProtocol
import Foundation

/// The processes `mpirun` started, as one group: `MPI_COMM_WORLD` behind the few collectives
/// ``DataParallel`` needs, each non-blocking and waited on by polling, so that a failure
/// announced by another rank ends the wait with an error naming that rank instead of a hang.
///
/// MPI runs at `MPI_THREAD_SERIALIZED` with one communicating thread at a time: every call
/// holds `lock`. After a failure (this rank's or one announced) every collective throws.
///
/// `@unchecked Sendable`: its mutable state (`failure`, the failure mailbox) is touched only
/// under `lock`.
final class MPIWorld: @unchecked Sendable {
  let rank: Int
  let size: Int
  private let mpi: MPILibrary
  private let lock = Lock()
  private var failure: String?
  /// A receive posted for failure notices from any rank, and its buffer.
  private var mailbox: MPILibrary.Request = nil
  private let notice = UnsafeMutableRawPointer.allocate(byteCount: noticeBytes, alignment: 8)
  private static let noticeBytes = 1024
  private static let noticeTag: Int32 = 7_301
  /// The largest transfer in one MPI call (counts are `int`).
  private static let chunkBytes = 1 << 30

  /// The process's world, set up once (`MPI_Init_thread` when nothing initialised MPI yet).
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
    if flag == 0 {
      var provided: Int32 = 0
      let code = mpi.initThread(nil, nil, MPILibrary.threadSerialized, &provided)
      guard code == 0 else {
        throw PlexusError.invalidState(
          context: "DataParallel", message: "MPI_Init_thread failed: \(mpi.describe(code))")
      }
      guard provided >= MPILibrary.threadSerialized else {
        throw PlexusError.invalidState(
          context: "DataParallel",
          message: "MPI provides thread level \(provided); Plexus needs MPI_THREAD_SERIALIZED "
            + "(2), one communicating thread at a time")
      }
      atexit { MPIWorld.finalizeAtExit() }
    }
    _ = mpi.setErrorHandler(mpi.commWorld, mpi.errorsReturn)
    var rank: Int32 = 0
    var size: Int32 = 0
    _ = mpi.commRank(mpi.commWorld, &rank)
    _ = mpi.commSize(mpi.commWorld, &size)
    self.rank = Int(rank)
    self.size = Int(size)
    if size > 1 {
      let code = mpi.irecv(
        notice, Int32(Self.noticeBytes), mpi.byte, -1, Self.noticeTag, mpi.commWorld, &mailbox)
      try check(code, "MPI_Irecv")
    }
  }

  /// Finalizes MPI at exit (the failure mailbox cancelled first), unless a failure left
  /// collectives pending or another thread is inside one: finalizing would wait for them
  /// forever, and `mpirun` reports the exit instead.
  private static func finalizeAtExit() {
    guard let world = sharedWorld.withLock({ $0 }), world.lock.tryLock() else { return }
    defer { world.lock.unlock() }
    guard world.failure == nil else { return }
    if world.mailbox != nil {
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

  /// Throws when a rank has failed; `lock` held.
  private func checkHealth() throws {
    if let failure {
      throw PlexusError.invalidState(context: "DataParallel", message: failure)
    }
    guard mailbox != nil else { return }
    var arrived: Int32 = 0
    _ = mpi.test(&mailbox, &arrived, nil)
    guard arrived != 0 else { return }
    let bytes = UnsafeRawBufferPointer(start: notice, count: Self.noticeBytes)
    let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    failure = text
    throw PlexusError.invalidState(context: "DataParallel", message: text)
  }

  /// Waits for `request`, polling for failure notices meanwhile; `lock` held.
  private func wait(_ request: inout MPILibrary.Request, _ call: String) throws {
    var spins = 0
    while true {
      var done: Int32 = 0
      try check(mpi.test(&request, &done, nil), call)
      if done != 0 { return }
      try checkHealth()
      spins += 1
      // Yield the core: ranks may outnumber cores, and the one we wait for needs it.
      if spins > 64 { sched_yield() }
    }
  }

  /// Tells every other rank that this one failed with `message`, so that their collectives
  /// end with it; later collectives here throw it too.
  func announceFailure(_ message: String) {
    lock.withLock {
      guard failure == nil else { return }
      let text = "rank \(rank) of \(size) failed: \(message)"
      failure = text
      guard size > 1 else { return }
      let bytes = Scratch<UInt8>(Self.noticeBytes)
      bytes.copy(from: Array(text.utf8.prefix(Self.noticeBytes - 1)))
      var requests = [MPILibrary.Request](repeating: nil, count: size)
      for peer in 0..<size where peer != rank {
        _ = mpi.isend(
          bytes.raw, Int32(Self.noticeBytes), mpi.byte, Int32(peer), Self.noticeTag, mpi.commWorld,
          &requests[peer])
      }
      // Small messages leave at once; give them a moment, never a hang.
      let deadline = Date().addingTimeInterval(2)
      for peer in 0..<size where requests[peer] != nil {
        var done: Int32 = 0
        while done == 0, Date() < deadline {
          _ = mpi.test(&requests[peer], &done, nil)
          if done == 0 { sched_yield() }
        }
      }
    }
  }

  /// The failure that stopped this group, if any.
  var failureMessage: String? { lock.withLock { failure } }

  /// Rank `root`'s `bytes` on every rank (the others' `bytes` are replaced).
  func broadcast(_ bytes: inout [UInt8], root: Int = 0) throws {
    try lock.withLock {
      try checkHealth()
      let count = Scratch<Int64>(1)
      count[0] = Int64(bytes.count)
      var request: MPILibrary.Request = nil
      try check(
        mpi.ibcast(count.raw, 8, mpi.byte, Int32(root), mpi.commWorld, &request), "MPI_Ibcast")
      try wait(&request, "MPI_Ibcast")
      guard count[0] >= 0, count[0] <= Int64(Shape.maximumElementCount) else {
        throw PlexusError.invalidState(
          context: "DataParallel", message: "rank \(root) broadcast an invalid size \(count[0])")
      }
      let data = Scratch<UInt8>(Int(count[0]))
      if rank == root { data.copy(from: bytes) }
      var offset = 0
      while offset < data.count {
        let length = Swift.min(Self.chunkBytes, data.count - offset)
        try check(
          mpi.ibcast(
            data.raw + offset, Int32(length), mpi.byte, Int32(root), mpi.commWorld, &request),
          "MPI_Ibcast")
        try wait(&request, "MPI_Ibcast")
        offset += length
      }
      if rank != root { bytes = data.array() }
    }
  }

  /// Every rank's `bytes`, in rank order (lengths may differ).
  func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] {
    try lock.withLock {
      try checkHealth()
      let length = Scratch<Int64>(1)
      length[0] = Int64(bytes.count)
      let lengths = Scratch<Int64>(size)
      var request: MPILibrary.Request = nil
      try check(
        mpi.iallgather(
          length.raw, 8, mpi.byte, lengths.raw, 8, mpi.byte, mpi.commWorld, &request),
        "MPI_Iallgather")
      try wait(&request, "MPI_Iallgather")
      let sizes = lengths.array()
      let total = sizes.reduce(0, +)
      guard sizes.allSatisfy({ $0 >= 0 }), total < Int64(Self.chunkBytes) else {
        throw PlexusError.invalidState(
          context: "DataParallel",
          message: "an all-gather of \(total) bytes is more than one call carries (2^30)")
      }
      let counts = Scratch<Int32>(size)
      let starts = Scratch<Int32>(size)
      var start: Int32 = 0
      for index in 0..<size {
        counts[index] = Int32(sizes[index])
        starts[index] = start
        start += counts[index]
      }
      let send = Scratch<UInt8>(bytes.count)
      send.copy(from: bytes)
      let gathered = Scratch<UInt8>(Int(total))
      try check(
        mpi.iallgatherv(
          send.raw, Int32(bytes.count), mpi.byte, gathered.raw, counts.typed, starts.typed,
          mpi.byte, mpi.commWorld, &request), "MPI_Iallgatherv")
      try wait(&request, "MPI_Iallgatherv")
      let all = gathered.array()
      return (0..<size).map { Array(all[Int(starts[$0])..<Int(starts[$0] + counts[$0])]) }
    }
  }

  /// The elementwise maximum of `values` over the ranks (exact in any order).
  func maximum(_ values: [Int64]) throws -> [Int64] {
    try lock.withLock {
      try checkHealth()
      let send = Scratch<Int64>(values.count)
      send.copy(from: values)
      let result = Scratch<Int64>(values.count)
      var request: MPILibrary.Request = nil
      try check(
        mpi.iallreduce(
          send.raw, result.raw, Int32(values.count), mpi.int64, mpi.opMax, mpi.commWorld,
          &request), "MPI_Iallreduce")
      try wait(&request, "MPI_Iallreduce")
      return result.array()
    }
  }

  /// Replaces `values` with their sum over the ranks, added in rank order (rank 0's plus rank
  /// 1's, plus rank 2's, …) for every element, so that every rank holds the same bits and a
  /// one-process loop adding the shards in order computes them too.
  ///
  /// Bandwidth-optimal like a ring all-reduce: each rank gathers one slice of every rank's
  /// values (`MPI_Ialltoallv`), sums it in rank order, and the summed slices are gathered
  /// back (`MPI_Iallgatherv`).
  func sumInRankOrder<Element: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<Element>)
    throws
  {
    try lock.withLock {
      try checkHealth()
      let count = values.count
      let width = MemoryLayout<Element>.stride
      guard count * width < Self.chunkBytes, let base = values.baseAddress else {
        if values.isEmpty { return }
        throw PlexusError.invalidArgument(
          context: "DataParallel", message: "a bucket of \(count) values is too large for one call")
      }
      let bounds = (0...size).map { count * $0 / size }
      let sliceCounts = Scratch<Int32>(size)
      let sliceStarts = Scratch<Int32>(size)
      let mine = bounds[rank + 1] - bounds[rank]
      let receiveCounts = Scratch<Int32>(size)
      let receiveStarts = Scratch<Int32>(size)
      for peer in 0..<size {
        sliceCounts[peer] = Int32((bounds[peer + 1] - bounds[peer]) * width)
        sliceStarts[peer] = Int32(bounds[peer] * width)
        receiveCounts[peer] = Int32(mine * width)
        receiveStarts[peer] = Int32(peer * mine * width)
      }
      let gathered = Scratch<Element>(mine * size)
      var request: MPILibrary.Request = nil
      try check(
        mpi.ialltoallv(
          UnsafeRawPointer(base), sliceCounts.typed, sliceStarts.typed, mpi.byte, gathered.raw,
          receiveCounts.typed, receiveStarts.typed, mpi.byte, mpi.commWorld, &request),
        "MPI_Ialltoallv")
      try wait(&request, "MPI_Ialltoallv")
      let summed = Scratch<Element>(mine)
      for index in 0..<mine { summed[index] = gathered[index] }
      for peer in 1..<Swift.max(size, 1) {
        let offset = peer * mine
        for index in 0..<mine { summed[index] = summed[index] + gathered[offset + index] }
      }
      try check(
        mpi.iallgatherv(
          summed.raw, Int32(mine * width), mpi.byte, UnsafeMutableRawPointer(base),
          sliceCounts.typed, sliceStarts.typed, mpi.byte, mpi.commWorld, &request),
        "MPI_Iallgatherv")
      try wait(&request, "MPI_Iallgatherv")
    }
  }

  /// Ends the whole job at once (`MPI_Abort`), for a process that cannot go on.
  func abortJob(code: Int32) -> Never {
    _ = mpi.abort(mpi.commWorld, code)
    exit(code)
  }
}

/// Memory an MPI call may still read or write after the call returns (until its request
/// completes): allocated and zeroed here, freed with the value, never moved meanwhile.
private final class Scratch<Element> {
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

  func copy(from values: [Element]) {
    for (index, value) in values.prefix(count).enumerated() { typed[index] = value }
  }

  func array() -> [Element] { Array(UnsafeBufferPointer(start: typed, count: count)) }
}

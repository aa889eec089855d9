import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fork-join for kernels of a few microseconds: one persistent thread per extra core, which
/// spins for a short while after each job before it sleeps, so that handing it half of a
/// 30 µs product costs well under a microsecond where waking a dispatch queue costs tens.
///
/// ``run(_:_:)`` gives part `0` to the calling thread and part `i` to worker `i - 1`. A part
/// whose worker has not picked it up by the time the caller is done with its own is taken
/// back and run by the caller, so a sleeping or descheduled worker never holds a job up; the
/// split, and so every result, depends only on the part count the caller asks for, never on
/// which thread ran a part. One job runs at a time: a call while the pool is busy (from another
/// thread, or from inside a part) runs its parts on the calling thread, one after another.
///
/// Backends use ``shared``; plugins may too.
public final class WorkerPool: @unchecked Sendable {
  /// The process's pool: one worker per online processor beyond the first.
  public static let shared = WorkerPool(
    workers: Swift.max(0, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1))

  /// How long an idle worker spins before it sleeps, in nanoseconds.
  public static let spinNanoseconds = 200_000

  /// The number of worker threads (the calling thread makes one more participant).
  public let workerCount: Int

  private let mailboxes: [Mailbox]
  private let submitting: UnsafeMutablePointer<pthread_mutex_t>
  private let parking: UnsafeMutablePointer<pthread_mutex_t>
  private let wakeUp: UnsafeMutablePointer<pthread_cond_t>
  private let sleepers = Atomic<Int>(0)
  private let started = Atomic<Bool>(false)
  private let startLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  /// A pool of `workers` threads, started on first use.
  public init(workers: Int) {
    workerCount = Swift.max(0, workers)
    mailboxes = (0..<workerCount).map { _ in Mailbox() }
    submitting = .allocate(capacity: 1)
    parking = .allocate(capacity: 1)
    wakeUp = .allocate(capacity: 1)
    pthread_mutex_init(submitting, nil)
    pthread_mutex_init(parking, nil)
    pthread_cond_init(wakeUp, nil)
    pthread_mutex_init(startLock, nil)
  }

  /// Runs `body(part)` for every part in `0..<parts` and returns when all have run. Parts run
  /// concurrently on up to ``workerCount`` + 1 threads, so they must touch disjoint memory.
  public func run(_ parts: Int, _ body: (Int) -> Void) {
    guard parts > 1, workerCount > 0, pthread_mutex_trylock(submitting) == 0 else {
      for part in 0..<Swift.max(parts, 0) { body(part) }
      return
    }
    defer { pthread_mutex_unlock(submitting) }
    startIfNeeded()
    withoutActuallyEscaping(body) { escapable in
      withUnsafePointer(to: escapable) { job in
        let raw = UnsafeRawPointer(job)
        let posted = Swift.min(parts - 1, workerCount)
        for worker in 0..<posted { mailboxes[worker].post(raw, part: worker + 1) }
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
          pthread_mutex_lock(parking)
          pthread_cond_broadcast(wakeUp)
          pthread_mutex_unlock(parking)
        }
        Self.invoke(raw, 0)
        // Parts beyond the workers run here, then each posted part is either taken back or
        // waited for.
        for part in (posted + 1)..<parts { Self.invoke(raw, part) }
        for worker in 0..<posted { mailboxes[worker].finish(raw) }
      }
    }
  }

  /// Calls the job's closure. Not inlined, so that the closure's retain and release both
  /// happen before the caller reports the part done.
  @inline(never)
  static func invoke(_ job: UnsafeRawPointer, _ part: Int) {
    job.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
  }

  private func startIfNeeded() {
    guard !started.load(ordering: .acquiring) else { return }
    pthread_mutex_lock(startLock)
    defer { pthread_mutex_unlock(startLock) }
    guard !started.load(ordering: .acquiring) else { return }
    for index in 0..<workerCount {
      let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
      var thread = pthread_t()
      let status = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
          context.pool.work(context.index)
        }, context)
      if status == 0 {
        pthread_detach(thread)
      } else {
        // No thread: the caller takes this worker's parts back every time.
        Unmanaged<WorkerContext>.fromOpaque(context).release()
      }
    }
    started.store(true, ordering: .releasing)
  }

  private func work(_ index: Int) -> Never {
    let mailbox = mailboxes[index]
    while true {
      if !spinUntilPosted(mailbox) { park(mailbox) }
      if let (job, part) = mailbox.take() {
        Self.invoke(job, part)
        mailbox.complete()
      }
    }
  }

  /// Spins until a part is posted or the spin time runs out; true when one was posted.
  private func spinUntilPosted(_ mailbox: Mailbox) -> Bool {
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    while true {
      for _ in 0..<256 {
        if mailbox.isPosted { return true }
      }
      // Give the core away to any other runnable thread (another library's OpenMP team, say)
      // rather than holding it while there is nothing to do.
      sched_yield()
      var now = timespec()
      clock_gettime(CLOCK_MONOTONIC, &now)
      let elapsed = (now.tv_sec - start.tv_sec) * 1_000_000_000 + (now.tv_nsec - start.tv_nsec)
      if elapsed > Self.spinNanoseconds { return mailbox.isPosted }
    }
  }

  private func park(_ mailbox: Mailbox) {
    pthread_mutex_lock(parking)
    sleepers.add(1, ordering: .sequentiallyConsistent)
    while !mailbox.isPosted { pthread_cond_wait(wakeUp, parking) }
    sleepers.subtract(1, ordering: .sequentiallyConsistent)
    pthread_mutex_unlock(parking)
  }
}

private final class WorkerContext {
  let pool: WorkerPool
  let index: Int
  init(pool: WorkerPool, index: Int) {
    self.pool = pool
    self.index = index
  }
}

/// One worker's slot: idle → posted → taken → done → idle. The submitter writes the job only
/// while the slot is idle, and the slot's state publishes it (release/acquire).
private final class Mailbox: @unchecked Sendable {
  private static let idle = 0
  private static let posted = 1
  private static let taken = 2
  private static let done = 3

  private let state = Atomic<Int>(Mailbox.idle)
  private let job = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: 1)
  private let part = UnsafeMutablePointer<Int>.allocate(capacity: 1)

  init() {
    job.initialize(to: nil)
    part.initialize(to: 0)
  }

  var isPosted: Bool { state.load(ordering: .sequentiallyConsistent) == Mailbox.posted }

  func post(_ job: UnsafeRawPointer, part: Int) {
    self.job.pointee = job
    self.part.pointee = part
    state.store(Mailbox.posted, ordering: .sequentiallyConsistent)
  }

  /// The worker's claim; nil when the submitter took the part back first.
  func take() -> (UnsafeRawPointer, Int)? {
    let (claimed, _) = state.compareExchange(
      expected: Mailbox.posted, desired: Mailbox.taken, ordering: .acquiring)
    guard claimed, let job = job.pointee else { return nil }
    return (job, part.pointee)
  }

  func complete() { state.store(Mailbox.done, ordering: .releasing) }

  /// The submitter's end of a job: runs the part itself if no worker took it, else waits.
  func finish(_ job: UnsafeRawPointer) {
    let (reclaimed, _) = state.compareExchange(
      expected: Mailbox.posted, desired: Mailbox.idle, ordering: .acquiring)
    if reclaimed {
      self.job.pointee = nil
      WorkerPool.invoke(job, part.pointee)
      return
    }
    while state.load(ordering: .acquiring) != Mailbox.done {}
    self.job.pointee = nil
    state.store(Mailbox.idle, ordering: .relaxed)
  }
}

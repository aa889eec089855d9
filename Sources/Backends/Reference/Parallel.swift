import BackendProtocol

/// Splits index ranges across the threads of ``WorkerPool/shared``, and only when the work is
/// big enough to pay for the hand-off.
struct Parallel {
  /// Work below this many elements runs on the calling thread.
  static let minimumParallelCount = 1 << 16

  /// The number of threads to use: the thread setting, capped at the pool's threads.
  let threads: Int

  init(threads: Int) {
    self.threads = Swift.max(1, Swift.min(threads, WorkerPool.shared.workerCount + 1))
  }

  /// Runs `body` over consecutive chunks of `0..<count`, one per thread once `count` reaches
  /// `grain`, else on the calling thread in one piece. The chunks are disjoint, so `body` may
  /// write to disjoint parts of one buffer without synchronisation.
  @inline(__always)
  func forEachChunk(
    _ count: Int, grain: Int = Parallel.minimumParallelCount, _ body: (Range<Int>) -> Void
  ) {
    let chunks = count >= Swift.max(grain, 1) ? Swift.min(threads, count) : 1
    guard chunks > 1 else {
      if count > 0 { body(0..<count) }
      return
    }
    Parallel.run(chunks) { chunk in
      let lower = count * chunk / chunks
      let upper = count * (chunk + 1) / chunks
      body(lower..<upper)
    }
  }

  /// Runs `body(i)` for every `i` in `0..<iterations` on the worker pool.
  static func run(_ iterations: Int, _ body: (Int) -> Void) {
    WorkerPool.shared.run(iterations, body)
  }
}

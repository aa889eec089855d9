import Dispatch

/// Splits index ranges across threads with `DispatchQueue.concurrentPerform`, and only when
/// the work is big enough to pay for the hand-off.
struct Parallel {
  /// Work below this many elements runs on the calling thread.
  static let minimumParallelCount = 1 << 16

  /// The number of threads to use.
  let threads: Int

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

  /// Runs `body(i)` for every `i` in `0..<iterations` on the dispatch pool.
  static func run(_ iterations: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { escapable in
      // concurrentPerform wants a @Sendable closure; the callers hand it disjoint work.
      let box = UncheckedBox(escapable)
      DispatchQueue.concurrentPerform(iterations: iterations) { index in box.value(index) }
    }
  }
}

/// Carries a value the compiler cannot prove thread-safe into a concurrent closure.
/// The code that creates it guarantees that the threads touch disjoint memory.
struct UncheckedBox<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

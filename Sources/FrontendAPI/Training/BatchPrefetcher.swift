import Foundation

/// Makes a dataset's batches `0..<count`, in order, on a thread of its own, at most `depth`
/// batches ahead of the consumer: the next batch is sliced, read or decoded while the current
/// step runs (Keras's `PyDataset` with a worker).
///
/// The producer runs with the consumer's dispatch scope (the model's backend), and outside any
/// gradient tape (a tape is task-local, so a batch is never recorded into the step's tape).
/// `close()` cancels what is left and returns only once the thread has stopped calling the
/// dataset, so no producer outlives the `fit` that started it, whether `fit` ends, stops early
/// or throws.
final class BatchPrefetcher: @unchecked Sendable {
  // @unchecked Sendable: the mutable state below (`queue`, `cancelled`, `finished`) is read
  // and written only while holding `condition`, on both threads; `dataset` is handed over by
  // `DatasetHandle` (see there); the rest is immutable after `init`.
  typealias Batch = BatchFeed.Batch

  private let condition = NSCondition()
  private var queue: [Result<Batch, any Error>] = []
  private var cancelled = false
  private var finished = false
  private let depth: Int
  private let count: Int

  /// Starts the producer thread at once.
  init(_ dataset: any Dataset, count: Int, depth: Int) {
    self.depth = Swift.max(depth, 1)
    self.count = count
    let handle = DatasetHandle(dataset: dataset)
    let scope = Dispatcher.scope
    let thread = Thread { [self] in
      Dispatcher.$scope.withValue(scope) { produce(handle) }
    }
    thread.name = "plexus.prefetch"
    thread.start()
  }

  /// The next batch, waiting for the producer when it is not ready; rethrows the dataset's error
  /// for this batch. Throws when asked for more than `count` batches or after `close()`.
  func next() throws -> Batch {
    condition.lock()
    defer { condition.unlock() }
    while queue.isEmpty && !finished { condition.wait() }
    guard !queue.isEmpty else {
      throw PlexusError.invalidState(
        context: "BatchPrefetcher", message: "no batch left (\(count) were made or it was closed)")
    }
    let result = queue.removeFirst()
    condition.broadcast()  // room in the queue
    return try result.get()
  }

  /// Cancels the batches not yet made and waits until the producer has stopped.
  func close() {
    condition.lock()
    defer { condition.unlock() }
    cancelled = true
    queue.removeAll()
    condition.broadcast()
    while !finished { condition.wait() }
  }

  /// True once the producer thread has stopped calling the dataset.
  var isFinished: Bool {
    condition.lock()
    defer { condition.unlock() }
    return finished
  }

  private func produce(_ handle: DatasetHandle) {
    defer {
      condition.lock()
      finished = true
      condition.broadcast()
      condition.unlock()
    }
    for index in 0..<count {
      condition.lock()
      while queue.count >= depth && !cancelled { condition.wait() }
      let stop = cancelled
      condition.unlock()
      if stop { return }
      let result = Result { try handle.dataset.batch(at: index) }
      condition.lock()
      if !cancelled { queue.append(result) }
      condition.broadcast()
      condition.unlock()
      if case .failure = result { return }
    }
  }
}

/// Carries a dataset to the producer thread.
///
/// @unchecked Sendable: a `Dataset` need not be `Sendable` (Keras's `PyDataset` is a plain
/// class), yet it is never used by two threads at once: `fit` calls `onEpochBegin` before the
/// producer thread starts (`Thread.start` orders it before the thread's first read), does not
/// touch the dataset while the thread runs, and calls `onEpochEnd` only after
/// `BatchPrefetcher.close()` has seen `finished`, which the producer sets under the lock after
/// its last call to the dataset.
private struct DatasetHandle: @unchecked Sendable {
  let dataset: any Dataset
}

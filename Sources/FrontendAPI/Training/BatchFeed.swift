/// One epoch's (or one evaluation's) batches, as the training and evaluation loops read them:
/// from tensors on the calling thread, or from a ``Dataset``, made ahead on a producer thread.
struct BatchFeed {
  typealias Batch = (inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?)

  /// Batch `step`; steps are asked for in order, from 0.
  let next: (_ step: Int) throws -> Batch
  /// Called once the steps are over, normally or not: stops and waits for a producer thread.
  let close: () -> Void
  /// Called after `close` when every step ran or training stopped early (not after an error).
  let end: () throws -> Void

  /// The batches of `source` in `order` (nil: the natural order), on the calling thread.
  static func slices(of source: BatchSource, order: [Int32]?) -> BatchFeed {
    BatchFeed(
      next: { step in
        let (inputs, targets) = try source.batch(step, order: order)
        return (inputs, targets, try source.weights(step, order: order))
      }, close: {}, end: {})
  }

  /// The first `steps` batches of `dataset`, after its `onEpochBegin`; ends with its
  /// `onEpochEnd`. Made ahead on a producer thread unless the dataset's `prefetch` is 0. An
  /// error from the dataset is rethrown naming `context`, the dataset, the batch and the epoch.
  static func batches(
    of dataset: any Dataset, steps: Int, context: String, epoch: Int?
  ) throws -> BatchFeed {
    try dataset.onEpochBegin()
    let describe = { (index: Int, error: any Error) -> any Error in
      PlexusError.invalidState(
        context: context,
        message: "the dataset \(type(of: dataset)) failed to make batch \(index) of \(steps)"
          + (epoch.map { " in epoch \($0 + 1)" } ?? "") + ": \(error)")
    }
    let end = { try dataset.onEpochEnd() }
    guard dataset.prefetch > 0 else {
      return BatchFeed(
        next: { step in
          do { return try dataset.batch(at: step) } catch { throw describe(step, error) }
        }, close: {}, end: end)
    }
    let producer = BatchPrefetcher(dataset, count: steps, depth: dataset.prefetch)
    return BatchFeed(
      next: { step in
        do { return try producer.next() } catch { throw describe(step, error) }
      }, close: { producer.close() }, end: end)
  }
}

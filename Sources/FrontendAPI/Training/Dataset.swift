/// A source of batches that `fit`, `evaluate` and `predict` read one index at a time, for data
/// that does not fit in memory as one tensor (files on disk, uint8 images decoded per batch).
///
/// ```swift
/// final class Shards: Dataset {
///   let count = 100
///   func batch(at index: Int) throws
///     -> (inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?)
///   {
///     let (x, y) = try loadShard(index)
///     return ([x], [y], nil)
///   }
/// }
/// try model.fit(Shards(), epochs: 5, validationData: try ArrayDataset(xVal, yVal))
/// ```
///
/// `fit` asks for the batches of an epoch in order, `0..<count`, on a background thread while
/// the current step runs (``prefetch`` batches ahead at most), and calls ``onEpochBegin()`` and
/// ``onEpochEnd()`` on its own thread while no batch is being made, so `batch(at:)` may read
/// what those two set without a lock; a dataset reshuffles in either of them. Draw any
/// randomness (a shuffle, an augmentation's parameters) in `onEpochBegin` or `onEpochEnd`: a draw
/// in `batch(at:)` runs on the producer thread, concurrently with the step's own draws (dropout),
/// so it would make the run irreproducible; that thread also does not see a seed scoped with
/// `withRandomSeed` around `fit` (it draws from the global stream). One dataset serves one `fit`, `evaluate` or
/// `predict` at a time: two running at once on different threads would call it concurrently.
///
/// Equivalent to Keras's `keras.utils.PyDataset`.
public protocol Dataset: AnyObject {
  /// The number of batches in one epoch (Keras's `__len__`); read once per `fit`, `evaluate` or
  /// `predict`.
  var count: Int { get }

  /// Batch `index` (0 to `count - 1`): one tensor per model input, one per output (may be empty
  /// for `predict`) and the optional weight of each sample's loss, all with the same first axis.
  /// Keras's `__getitem__`.
  func batch(at index: Int) throws -> (
    inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?
  )

  /// Called before an epoch's first batch is asked for.
  func onEpochBegin() throws

  /// Called after an epoch's last batch was consumed (reshuffle here).
  func onEpochEnd() throws

  /// How many batches may be made ahead of the step that runs (Keras's `max_queue_size`):
  /// 1 or more makes them on a background thread, 0 on the calling thread. 2 unless the type
  /// says otherwise.
  var prefetch: Int { get }
}

extension Dataset {
  /// Does nothing.
  public func onEpochBegin() throws {}

  /// Does nothing.
  public func onEpochEnd() throws {}

  /// Two batches.
  public var prefetch: Int { 2 }
}

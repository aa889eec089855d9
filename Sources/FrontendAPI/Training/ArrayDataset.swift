/// A ``Dataset`` over tensors held in memory: batches are slices along the first axis, in a
/// new seeded random order every epoch when `shuffle` is on. Tensors may stay `uint8` (images
/// with a `Rescaling` layer in the model): a batch is a slice of the same dtype.
///
/// ```swift
/// let ((x, y), (xTest, yTest)) = try FashionMNIST.load()    // uint8 images
/// let train = try ArrayDataset(x, y, batchSize: 32)
/// try model.fit(train, epochs: 10, validationData: try ArrayDataset(xTest, yTest))
/// ```
///
/// The order of an epoch is drawn in ``onEpochBegin()`` from the process's random stream, at the
/// point where `fit(x, y, shuffle: true)` draws it, so the two train alike from the same seed.
/// Equivalent to what Keras's array data adapter does for `fit(x, y)`.
public final class ArrayDataset: Dataset {
  private let source: BatchSource
  private let shuffle: Bool
  /// This epoch's order of the samples; nil for the natural order. Changed only in
  /// `onEpochBegin`, which `fit` calls while no batch is being made.
  private var order: [Int32]?

  /// Batches of `x` and `y` (one tensor per model input and per output, aligned on the first
  /// axis), with the optional weight of each sample's loss.
  /// - Throws: `PlexusError` when `batchSize` is not positive, there are no samples, or the
  ///   tensors disagree on the number of samples.
  public init(
    _ x: [Tensor], _ y: [Tensor], sampleWeight: Tensor? = nil, batchSize: Int = 32,
    shuffle: Bool = true
  ) throws {
    source = try BatchSource(
      inputs: x, targets: y, sampleWeights: sampleWeight, batchSize: batchSize,
      context: "ArrayDataset")
    try source.requireSamples()
    self.shuffle = shuffle
  }

  /// Batches of one input and one target tensor.
  public convenience init(
    _ x: Tensor, _ y: Tensor? = nil, sampleWeight: Tensor? = nil, batchSize: Int = 32,
    shuffle: Bool = true
  ) throws {
    try self.init(
      [x], y.map { [$0] } ?? [], sampleWeight: sampleWeight, batchSize: batchSize,
      shuffle: shuffle)
  }

  /// The number of samples.
  public var sampleCount: Int { source.count }

  /// The number of batches: the samples over the batch size, rounded up.
  public var count: Int { source.steps }

  /// Batch `index` in this epoch's order.
  public func batch(at index: Int) throws -> (
    inputs: [Tensor], targets: [Tensor], sampleWeight: Tensor?
  ) {
    guard (0..<count).contains(index) else {
      throw PlexusError.indexOutOfRange(context: "ArrayDataset.batch", index: index, size: count)
    }
    let (inputs, targets) = try source.batch(index, order: order)
    return (inputs, targets, try source.weights(index, order: order))
  }

  /// Draws this epoch's order when shuffling.
  public func onEpochBegin() throws {
    guard shuffle else { return }
    order = try Model.shuffledOrder(source.count, context: "ArrayDataset")
  }
}

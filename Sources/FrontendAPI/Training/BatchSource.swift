/// Slices aligned input and target tensors into batches along their first axis, in order or in
/// a seeded random order per epoch.
struct BatchSource {
  let inputs: [Tensor]
  let targets: [Tensor]
  /// One weight per sample for the loss (Keras's `sample_weight`), or nil.
  let sampleWeights: Tensor?
  let count: Int
  let batchSize: Int
  /// The caller's name for errors (`"Model 'm'.fit"`).
  let context: String

  init(
    inputs: [Tensor], targets: [Tensor], sampleWeights: Tensor? = nil, batchSize: Int,
    context: String
  ) throws {
    guard batchSize > 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "batchSize must be positive, received \(batchSize)")
    }
    guard let first = inputs.first, first.rank > 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "needs at least one input with a batch axis")
    }
    let count = first.shape[0]
    for tensor in inputs + targets + (sampleWeights.map { [$0] } ?? [])
    where tensor.rank == 0 || tensor.shape[0] != count {
      throw PlexusError.shapeMismatch(
        context: context, expected: "\(count) samples in every input and target (first axis)",
        received: "\(tensor.shape)")
    }
    self.inputs = inputs
    self.targets = targets
    self.sampleWeights = sampleWeights
    self.count = count
    self.batchSize = batchSize
    self.context = context
  }

  /// Throws when there are no samples: training or evaluating on nothing would report empty
  /// logs as if it had worked (Keras raises "Expected input data to be non-empty").
  func requireSamples() throws {
    guard count > 0 else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "expected input data to be non-empty, received 0 samples "
          + "(input shape \(inputs.first?.shape ?? []))")
    }
  }

  var steps: Int { count / batchSize + (count % batchSize == 0 ? 0 : 1) }

  /// Batch `step` under `order` (nil: natural order).
  func batch(_ step: Int, order: [Int32]?) throws -> ([Tensor], [Tensor]) {
    let start = step * batchSize
    let size = Swift.min(batchSize, count - start)
    if let order {
      let indices = try Tensor(Array(order[start..<(start + size)]), shape: [size])
      return (
        try inputs.map { try Ops.take($0, indices) }, try targets.map { try Ops.take($0, indices) }
      )
    }
    return (
      try inputs.map { try rows($0, start, size) }, try targets.map { try rows($0, start, size) }
    )
  }

  /// The sample weights of batch `step` under `order`, or nil when there are none.
  func weights(_ step: Int, order: [Int32]?) throws -> Tensor? {
    guard let sampleWeights else { return nil }
    let start = step * batchSize
    let size = Swift.min(batchSize, count - start)
    if let order {
      return try Ops.take(
        sampleWeights, try Tensor(Array(order[start..<(start + size)]), shape: [size]))
    }
    return try rows(sampleWeights, start, size)
  }

  private func rows(_ tensor: Tensor, _ start: Int, _ size: Int) throws -> Tensor {
    var starts = [Int](repeating: 0, count: tensor.rank)
    starts[0] = start
    var sizes = tensor.shape.dims
    sizes[0] = size
    return try Ops.slice(tensor, starts: starts, sizes: sizes)
  }

  /// The same samples in batches of `size`.
  func rebatched(_ size: Int) throws -> BatchSource {
    try BatchSource(
      inputs: inputs, targets: targets, sampleWeights: sampleWeights, batchSize: size,
      context: context)
  }

  /// Splits off the last `fraction` of samples (Keras's `validation_split`).
  func split(validationFraction fraction: Double, context: String) throws -> (
    BatchSource, BatchSource
  ) {
    guard fraction > 0, fraction < 1 else {
      throw PlexusError.invalidArgument(
        context: context, message: "validationSplit must be in (0, 1), received \(fraction)")
    }
    // Keras keeps floor(n · (1 - fraction)) samples for training.
    let training = Int((Double(count) * (1 - fraction)).rounded(.down))
    let validation = count - training
    guard validation > 0, training > 0 else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "validationSplit \(fraction) of \(count) samples leaves an empty split")
    }
    let head = try BatchSource(
      inputs: inputs.map { try rows($0, 0, training) },
      targets: targets.map { try rows($0, 0, training) },
      sampleWeights: try sampleWeights.map { try rows($0, 0, training) },
      batchSize: batchSize, context: context)
    let tail = try BatchSource(
      inputs: inputs.map { try rows($0, training, validation) },
      targets: targets.map { try rows($0, training, validation) },
      sampleWeights: try sampleWeights.map { try rows($0, training, validation) },
      batchSize: batchSize, context: context)
    return (head, tail)
  }
}

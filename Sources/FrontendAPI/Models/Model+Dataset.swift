import Foundation

extension Model {
  /// Trains the model for `epochs` passes over a dataset's batches, made on a background thread
  /// while each step runs (see ``Dataset``).
  ///
  /// ```swift
  /// let ((x, y), _) = try FashionMNIST.load()                  // uint8 images
  /// try model.fit(try ArrayDataset(x, y, batchSize: 32), epochs: 10)
  /// ```
  /// - Parameters:
  ///   - verbose: 0 silent, 1 a progress bar, 2 one line per epoch; nil picks 1 on a terminal
  ///     and 2 otherwise.
  ///   - validationData: evaluated after every epoch (or those `validationFreq` names); its
  ///     results are logged as `val_…`.
  ///   - initialEpoch: the epoch to start counting from (to resume training).
  ///   - validationFreq: after which epochs to validate (every epoch by default).
  /// - Throws: `PlexusError` when the dataset is empty, or when making a batch failed (naming
  ///   the dataset, the batch and the epoch, with the dataset's own error).
  /// Equivalent to Keras's `Model.fit` with a `PyDataset`.
  @discardableResult
  public func fit(
    _ dataset: any Dataset, epochs: Int = 1, verbose: Int? = nil, callbacks: [any Callback] = [],
    validationData: (any Dataset)? = nil, initialEpoch: Int = 0,
    validationFreq: ValidationFrequency = 1
  ) throws -> History {
    let context = "Model '\(name)'.fit"
    _ = try requireCompiled("fit")
    try validationFreq.check(context: context)
    guard epochs >= initialEpoch, initialEpoch >= 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "epochs (\(epochs)) must be ≥ initialEpoch (\(initialEpoch)) ≥ 0"
      )
    }
    let steps = try Self.batchCount(dataset, context)
    let validation = try validationData.map { data in
      let steps = try Self.batchCount(data, "\(context) validationData")
      return (
        steps: steps,
        feed: { (epoch: Int) in
          try BatchFeed.batches(
            of: data, steps: steps, context: "\(context) validationData", epoch: epoch)
        }
      )
    }
    return try train(
      epochs: epochs, initialEpoch: initialEpoch, steps: steps, verbose: verbose,
      callbacks: callbacks,
      feed: { epoch in
        try BatchFeed.batches(of: dataset, steps: steps, context: context, epoch: epoch)
      },
      validation: validation, validationFreq: validationFreq)
  }

  /// The loss and metrics over a dataset's batches, keyed as in the training logs.
  /// Equivalent to Keras's `Model.evaluate(..., return_dict=True)` with a `PyDataset`.
  public func evaluate(
    _ dataset: any Dataset, verbose: Int? = nil, callbacks: [any Callback] = []
  ) throws -> [String: Double] {
    let context = "Model '\(name)'.evaluate"
    let steps = try Self.batchCount(dataset, context)
    var all = callbacks
    let verbosity = verbose ?? (isatty(1) != 0 ? 1 : 2)
    if verbosity > 0 {
      all.insert(ProgbarLogger(epochs: 0, steps: steps, verbose: verbosity), at: 0)
    }
    let list = CallbackList(all, model: self, steps: steps, verbose: verbosity)
    return try withModelBackend {
      try runEvaluation(
        steps: steps,
        feed: try BatchFeed.batches(of: dataset, steps: steps, context: context, epoch: nil),
        callbacks: list)
    }
  }

  /// Every output for a dataset's inputs (its targets are ignored), batch after batch,
  /// concatenated. Equivalent to Keras's `Model.predict` with a `PyDataset`.
  public func predict(_ dataset: any Dataset, callbacks: [any Callback] = []) throws -> [Tensor] {
    let context = "Model '\(name)'.predict"
    let steps = try Self.batchCount(dataset, context)
    let list = CallbackList(callbacks, model: self, steps: steps, verbose: 0)
    return try withModelBackend {
      let feed = try BatchFeed.batches(of: dataset, steps: steps, context: context, epoch: nil)
      // The producer thread stops however this ends (close is idempotent).
      defer { feed.close() }
      try list.each { try $0.onPredictBegin(logs: [:]) }
      var pieces: [[Tensor]] = []
      do {
        defer { feed.close() }
        for step in 0..<steps {
          try list.each { try $0.onPredictBatchBegin(step, logs: [:]) }
          pieces.append(try predictStep(try feed.next(step).inputs))
          try list.each { try $0.onPredictBatchEnd(step, logs: [:]) }
        }
      }
      try feed.end()
      try list.each { try $0.onPredictEnd(logs: [:]) }
      guard let first = pieces.first else { return [] }
      return try (0..<first.count).map { output in
        try Ops.concatenate(pieces.map { $0[output] }, axis: 0)
      }
    }
  }

  /// The dataset's batch count, which must be positive (Keras: "non-empty").
  private static func batchCount(_ dataset: any Dataset, _ context: String) throws -> Int {
    let count = dataset.count
    guard count > 0 else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "expected a non-empty dataset, \(type(of: dataset)) has \(count) batches")
    }
    return count
  }
}

import Foundation

extension Model {
  /// Trains the model for `epochs` passes over `x` and `y`.
  ///
  /// ```swift
  /// let history = try model.fit(xTrain, yTrain, batchSize: 32, epochs: 10,
  ///                             validationSplit: 0.1, callbacks: [EarlyStopping()])
  /// ```
  /// - Parameters:
  ///   - verbose: 0 silent, 1 a progress bar, 2 one line per epoch; nil picks 1 on a terminal
  ///     and 2 otherwise.
  ///   - validationSplit: the last fraction of the samples, held out before shuffling.
  ///   - validationData: used instead of `validationSplit` when given.
  ///   - validationSampleWeight: one weight per sample of `validationData` (Keras's third entry
  ///     of `validation_data`).
  ///   - sampleWeight: one weight per training sample, scaling its loss; split with the samples
  ///     by `validationSplit`.
  ///   - classWeight: a weight per class id of a one-output model's labels (class ids, or
  ///     one-hot rows), instead of `sampleWeight`.
  ///   - initialEpoch: the epoch to start counting from (to resume training).
  ///   - validationFreq: after which epochs to validate (every epoch by default).
  ///   - validationBatchSize: the batch size of validation (nil: `batchSize`).
  /// Equivalent to Keras's `Model.fit`.
  @discardableResult
  public func fit(
    _ x: Tensor, _ y: Tensor, batchSize: Int = 32, epochs: Int = 1, verbose: Int? = nil,
    callbacks: [any Callback] = [], validationSplit: Double = 0,
    validationData: (Tensor, Tensor)? = nil, validationSampleWeight: Tensor? = nil,
    sampleWeight: Tensor? = nil, classWeight: [Int: Double]? = nil, shuffle: Bool = true,
    initialEpoch: Int = 0, validationFreq: ValidationFrequency = 1,
    validationBatchSize: Int? = nil
  ) throws -> History {
    try fit(
      [x], [y], batchSize: batchSize, epochs: epochs, verbose: verbose, callbacks: callbacks,
      validationSplit: validationSplit, validationData: validationData.map { ([$0.0], [$0.1]) },
      validationSampleWeight: validationSampleWeight, sampleWeight: sampleWeight,
      classWeight: classWeight, shuffle: shuffle, initialEpoch: initialEpoch,
      validationFreq: validationFreq, validationBatchSize: validationBatchSize)
  }

  /// Trains a model with several inputs or outputs (one tensor per input and per output).
  @discardableResult
  public func fit(
    _ x: [Tensor], _ y: [Tensor], batchSize: Int = 32, epochs: Int = 1, verbose: Int? = nil,
    callbacks: [any Callback] = [], validationSplit: Double = 0,
    validationData: ([Tensor], [Tensor])? = nil, validationSampleWeight: Tensor? = nil,
    sampleWeight: Tensor? = nil, classWeight: [Int: Double]? = nil, shuffle: Bool = true,
    initialEpoch: Int = 0, validationFreq: ValidationFrequency = 1,
    validationBatchSize: Int? = nil
  ) throws -> History {
    let context = "Model '\(name)'.fit"
    let compiled = try requireCompiled("fit")
    try validationFreq.check(context: context)
    if let validationBatchSize, validationBatchSize < 1 {
      throw PlexusError.invalidArgument(
        context: context,
        message: "validationBatchSize must be positive (nil: batchSize), received "
          + "\(validationBatchSize)")
    }
    guard epochs >= initialEpoch, initialEpoch >= 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "epochs (\(epochs)) must be ≥ initialEpoch (\(initialEpoch)) ≥ 0"
      )
    }
    guard (0..<1).contains(validationSplit) else {
      throw PlexusError.invalidArgument(
        context: context, message: "validationSplit must be in [0, 1), received \(validationSplit)")
    }
    let weights = try sampleWeights(
      sampleWeight, classWeight: classWeight, targets: y, samples: x.first?.shape.dims.first ?? 0,
      context: context)
    var training = try BatchSource(
      inputs: x, targets: y, sampleWeights: weights, batchSize: batchSize, context: context)
    try training.requireSamples()
    var validation: BatchSource?
    if let validationData {
      // Checked before the first step, so that a mismatch does not surface after an epoch of
      // training.
      try requireValidationData(validationData.0, validationData.1, like: x, y, context)
      let validationWeights = try sampleWeights(
        validationSampleWeight, classWeight: nil, targets: validationData.1,
        samples: validationData.0.first?.shape.dims.first ?? 0, context: "\(context) validation")
      validation = try BatchSource(
        inputs: validationData.0, targets: validationData.1, sampleWeights: validationWeights,
        batchSize: batchSize, context: context)
    } else if validationSampleWeight != nil {
      throw PlexusError.invalidArgument(
        context: "\(context) validationSampleWeight",
        message: "weighs validationData's samples; pass validationData too")
    } else if validationSplit > 0 {
      (training, validation) = try training.split(
        validationFraction: validationSplit, context: context)
      if classWeight != nil {
        // Keras weighs classes in the training part only: the held-out samples keep their
        // `sampleWeight` (or none).
        let heldOutWeights = try sampleWeights(
          sampleWeight, classWeight: nil, targets: y, samples: x.first?.shape.dims.first ?? 0,
          context: context)
        validation = try BatchSource(
          inputs: x, targets: y, sampleWeights: heldOutWeights, batchSize: batchSize,
          context: context
        ).split(validationFraction: validationSplit, context: context).1
      }
    }
    if let validationBatchSize {
      validation = try validation?.rebatched(validationBatchSize)
    }
    try validateTargets(y, inputs: x, losses: compiled.losses)
    if let validationData {
      try validateTargets(validationData.1, inputs: validationData.0, losses: compiled.losses)
    }
    return try train(
      epochs: epochs, initialEpoch: initialEpoch, steps: training.steps, verbose: verbose,
      callbacks: callbacks,
      feed: { _ in
        let order =
          shuffle ? try Self.shuffledOrder(training.count, context: context) : nil
        return .slices(of: training, order: order)
      },
      validation: validation.map { validation in
        (validation.steps, { _ in .slices(of: validation, order: nil) })
      }, validationFreq: validationFreq)
  }

  /// The epoch loop of every `fit`: each epoch asks `feed(epoch)` for its batches (after the
  /// callbacks' `onEpochBegin` and the metrics' reset, where `fit(x, y)` draws its shuffle),
  /// runs `steps` training steps, then evaluates on `validation`'s batches when given (after
  /// the epochs `validationFreq` names).
  func train(
    epochs: Int, initialEpoch: Int, steps: Int, verbose: Int?, callbacks: [any Callback],
    feed: (_ epoch: Int) throws -> BatchFeed,
    validation: (steps: Int, feed: (_ epoch: Int) throws -> BatchFeed)?,
    validationFreq: ValidationFrequency = 1
  ) throws -> History {
    let compiled = try requireCompiled("fit")
    // Under data parallelism process 0 alone prints and writes (see `DataParallel`).
    let parallel = DataParallel.active
    let chief = parallel?.isChief ?? true
    let verbosity = chief ? verbose ?? (isatty(1) != 0 ? 1 : 2) : 0
    let history = History()
    var all: [any Callback] = callbacks.filter { chief || !$0.runsOnChiefOnly } + [history]
    if verbosity > 0 {
      all.insert(ProgbarLogger(epochs: epochs, steps: steps, verbose: verbosity), at: 0)
    }
    let list = CallbackList(all, model: self, epochs: epochs, steps: steps, verbose: verbosity)
    stopTraining = false
    do {
      try runEpochs(
        epochs: epochs, initialEpoch: initialEpoch, steps: steps, list: list, history: history,
        compiled: compiled, parallel: parallel, feed: feed, validation: validation,
        validationFreq: validationFreq)
    } catch {
      // The other processes are waiting in a collective: tell them, so they stop too.
      parallel?.announceFailure(error)
      throw error
    }
    return history
  }

  /// The body of
  /// ``train(epochs:initialEpoch:steps:verbose:callbacks:feed:validation:validationFreq:)``.
  private func runEpochs(
    epochs: Int, initialEpoch: Int, steps: Int, list: CallbackList, history: History,
    compiled: CompiledState, parallel: DataParallel?, feed: (_ epoch: Int) throws -> BatchFeed,
    validation: (steps: Int, feed: (_ epoch: Int) throws -> BatchFeed)?,
    validationFreq: ValidationFrequency
  ) throws {
    try withModelBackend {
      // With `useEMA` the model ends with the moving averages of its weights; Keras does this
      // in a `finally`, so an interrupted fit ends so too (its own error is the one reported).
      var finalized = false
      defer {
        if !finalized, epochs > 0 {
          try? compiled.optimizer.finalizeVariableValues(trainableWeights)
        }
      }
      resumeEpoch = nil
      try list.each { try $0.onTrainBegin(logs: [:]) }
      // Every process starts from process 0's weights, optimizer state, random stream and
      // resumed epoch, after checking they all hold the same model and run as many steps.
      let plan = ["fit: epochs \(initialEpoch)..<\(epochs), \(steps) steps each"]
      var synchronized = try parallel?.synchronize(
        self, optimizer: compiled.optimizer, resumeEpoch: &resumeEpoch, plan: plan)
      // The gradients' weight per process: its share of the batch, unless every loss sums.
      let sums = compiled.losses.allSatisfy { $0.reduction == .sum }
      // `BackupAndRestore` moves the start to the epoch after its last backup, as Keras's
      // callback sets `model._initial_epoch`.
      let firstEpoch = Swift.min(resumeEpoch ?? initialEpoch, epochs)
      resumeEpoch = nil
      for epoch in firstEpoch..<epochs {
        try list.each { try $0.onEpochBegin(epoch, logs: [:]) }
        compiled.resetMetrics()
        // Draws inside steps (dropout) come from a stream of each process's own, seeded from
        // the shared stream's position as the epoch starts (which BackupAndRestore restores).
        let stepStream = parallel?.makeStepStream()
        let batches = try feed(epoch)
        var logs: [String: Double] = [:]
        do {
          defer { batches.close() }
          for step in 0..<steps {
            try list.each { try $0.onTrainBatchBegin(step, logs: logs) }
            var batch = try batches.next(step)
            if let parallel {
              let (shard, fraction, replicated) = try parallel.shard(batch)
              let share = sums && !replicated ? 1 : fraction
              batch = shard
              compiled.batchSampleWeight = batch.sampleWeight
              defer { compiled.batchSampleWeight = nil }
              logs = try parallel.countingOnce(replicated: replicated, compiled) {
                try DataParallel.$shardWeight.withValue(share) {
                  try RandomGenerator.$scoped.withValue(stepStream) {
                    try trainStep(batch.inputs, batch.targets)
                  }
                }
              }
            } else {
              compiled.batchSampleWeight = batch.sampleWeight
              defer { compiled.batchSampleWeight = nil }
              logs = try trainStep(batch.inputs, batch.targets)
            }
            try list.each { try $0.onTrainBatchEnd(step, logs: logs) }
            if let parallel {
              // A first step that built layers or optimizer slots (a model built lazily) built
              // them from each process's own stream: process 0's values go to every process.
              if let count = synchronized {
                synchronized = nil  // checked after the first step only
                let built = parallel.synchronizedCount(self, optimizer: compiled.optimizer)
                if try parallel.anyProcess(built != count) {
                  var unchanged = resumeEpoch
                  try parallel.synchronize(
                    self, optimizer: compiled.optimizer, resumeEpoch: &unchanged, plan: plan)
                }
              }
              // Every process stops at the same step, or the others would wait for it.
              stopTraining = try parallel.anyProcess(stopTraining)
            }
            if stopTraining { break }
          }
        }
        try batches.end()
        if let parallel {
          logs.merge(try parallel.reduceLogs(compiled)) { $1 }
          try parallel.averageNonTrainableWeights(self)
        }
        if let validation, validationFreq.includes(epoch: epoch) {
          let results = try runEvaluation(
            steps: validation.steps, feed: try validation.feed(epoch), callbacks: list)
          for (key, value) in results { logs["val_" + key] = value }
        }
        try list.each { try $0.onEpochEnd(epoch, logs: &logs) }
        if let parallel { stopTraining = try parallel.anyProcess(stopTraining) }
        if stopTraining { break }
      }
      finalized = true
      if epochs > 0 { try compiled.optimizer.finalizeVariableValues(trainableWeights) }
      try list.each { try $0.onTrainEnd(logs: history.history.mapValues { $0.last ?? .nan }) }
    }
  }

  /// Runs `testStep` over every batch of `source` and returns the final metric values.
  func runEvaluation(_ source: BatchSource, callbacks: CallbackList?) throws -> [String: Double] {
    try runEvaluation(
      steps: source.steps, feed: .slices(of: source, order: nil), callbacks: callbacks)
  }

  /// A seeded random order of `count` samples, as the int32 indices batches are taken with.
  static func shuffledOrder(_ count: Int, context: String) throws -> [Int32] {
    guard count <= Int(Int32.max) else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "\(count) samples are more than a shuffle can index (2^31 - 1); pass shuffle: "
          + "false, or feed a Dataset that shuffles its own batches")
    }
    return try RandomGenerator.permutation(count).map { Int32(truncatingIfNeeded: $0) }
  }

  /// Runs `testStep` over `steps` batches of `feed` and returns the final metric values.
  func runEvaluation(
    steps: Int, feed: BatchFeed, callbacks: CallbackList?
  ) throws -> [String: Double] {
    // First: a dataset's producer thread stops however this ends (close is idempotent).
    defer { feed.close() }
    let parallel = DataParallel.active
    do {
      return try evaluateBatches(steps: steps, feed: feed, callbacks: callbacks, parallel: parallel)
    } catch {
      parallel?.announceFailure(error)
      throw error
    }
  }

  /// The body of ``runEvaluation(steps:feed:callbacks:)``: under data parallelism each process
  /// evaluates its slice of every batch, and the metrics are summed across them at the end.
  private func evaluateBatches(
    steps: Int, feed: BatchFeed, callbacks: CallbackList?, parallel: DataParallel?
  ) throws -> [String: Double] {
    let compiled = try requireCompiled("evaluate")
    try parallel?.agree(
      ["evaluate: \(steps) steps"], context: "DataParallel, model '\(name)'",
      requirement: "every process must evaluate as many batches")
    compiled.resetMetrics()
    try callbacks?.each { try $0.onTestBegin(logs: [:]) }
    var logs: [String: Double] = [:]
    do {
      defer { feed.close() }
      for step in 0..<steps {
        try callbacks?.each { try $0.onTestBatchBegin(step, logs: logs) }
        var batch = try feed.next(step)
        var replicated = false
        if let parallel { (batch, _, replicated) = try parallel.shard(batch) }
        compiled.batchSampleWeight = batch.sampleWeight
        defer { compiled.batchSampleWeight = nil }
        logs =
          try parallel?.countingOnce(replicated: replicated, compiled) {
            try testStep(batch.inputs, batch.targets)
          } ?? testStep(batch.inputs, batch.targets)
        try callbacks?.each { try $0.onTestBatchEnd(step, logs: logs) }
      }
    }
    try feed.end()
    if let parallel { logs.merge(try parallel.reduceLogs(compiled)) { $1 } }
    try callbacks?.each { try $0.onTestEnd(logs: logs) }
    return logs
  }

  /// Fails unless validation data has a tensor per input and output, each input of the model's
  /// rank with its known sizes (`-1` in the model's input is any size). Targets' shapes and
  /// dtypes are the loss's to check (Keras casts labels and accepts `(n,)` for `(n, 1)`).
  private func requireValidationData(
    _ inputs: [Tensor], _ targets: [Tensor], like x: [Tensor], _ y: [Tensor], _ context: String
  ) throws {
    guard inputs.count == x.count, targets.count == y.count else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "validation data has \(inputs.count) inputs and \(targets.count) targets; the "
          + "training data \(x.count) and \(y.count)")
    }
    let declared: [Shape]
    if let graph {
      declared = graph.inputs.map(\.shape)
    } else if let input = (self as? Sequential)?.input {
      declared = [input.shape]
    } else {
      declared = []  // a subclass: its first call checks the shapes
    }
    for (index, tensor) in inputs.enumerated() where index < declared.count {
      let shape = declared[index]
      let matches =
        tensor.rank == shape.rank
        && zip(tensor.shape.dims, shape.dims).dropFirst().allSatisfy { $1 < 0 || $0 == $1 }
      guard matches else {
        throw PlexusError.shapeMismatch(
          context: "\(context) validation input \(index)", expected: "\(shape) (the model's input)",
          received: "\(tensor.shape)")
      }
    }
  }

  /// Runs the loss's whole-target check on every output before the first step (building the
  /// model for the inputs' shapes first when it is not built).
  private func validateTargets(_ targets: [Tensor], inputs: [Tensor], losses: [Loss]) throws {
    let sampleShapes = inputs.map { Shape([-1] + $0.shape.dims.dropFirst()) }
    // On the model's backend, as the first step would build it (its initializers are ops).
    try withModelBackend { try buildIfNeeded(sampleShapes) }
    let predictionShapes: [Shape]
    if let graph {
      predictionShapes = graph.outputs.map(\.shape)
    } else if let shape = try? computeOutputShape(sampleShapes) {
      predictionShapes = [shape]
    } else {
      return  // a subclass that cannot say its shapes: the first step checks its targets
    }
    for (target, (shape, loss)) in zip(targets, zip(predictionShapes, losses)) {
      try loss.validateTargets(target, predictionShape: shape)
    }
  }
}

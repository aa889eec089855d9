import Foundation

extension Model {
  /// The loss and metrics on `x` and `y`, keyed as in the training logs (`"loss"`,
  /// `"accuracy"`). `verbose` is 0 silent, 1 a progress bar, 2 one line; nil picks 1 on a
  /// terminal and 2 otherwise. `sampleWeight` (one per sample) weighs each sample's loss, as
  /// in `fit`; metrics stay unweighted, as Keras's `metrics` (not `weighted_metrics`) do.
  /// Equivalent to Keras's `Model.evaluate(..., return_dict=True)`.
  public func evaluate(
    _ x: Tensor, _ y: Tensor, batchSize: Int = 32, verbose: Int? = nil,
    sampleWeight: Tensor? = nil, callbacks: [any Callback] = []
  ) throws -> [String: Double] {
    try evaluate(
      [x], [y], batchSize: batchSize, verbose: verbose, sampleWeight: sampleWeight,
      callbacks: callbacks)
  }

  /// `evaluate` for several inputs or outputs.
  public func evaluate(
    _ x: [Tensor], _ y: [Tensor], batchSize: Int = 32, verbose: Int? = nil,
    sampleWeight: Tensor? = nil, callbacks: [any Callback] = []
  ) throws -> [String: Double] {
    let context = "Model '\(name)'.evaluate"
    let weights = try sampleWeights(
      sampleWeight, classWeight: nil, targets: y, samples: x.first?.shape.dims.first ?? 0,
      context: context)
    let source = try BatchSource(
      inputs: x, targets: y, sampleWeights: weights, batchSize: batchSize, context: context)
    try source.requireSamples()
    var all = callbacks
    let verbosity = verbose ?? (isatty(1) != 0 ? 1 : 2)
    if verbosity > 0 {
      all.insert(ProgbarLogger(epochs: 0, steps: source.steps, verbose: verbosity), at: 0)
    }
    let list = CallbackList(all, model: self, steps: source.steps, verbose: verbosity)
    return try withModelBackend { try runEvaluation(source, callbacks: list) }
  }

  /// The model's output for `x`, computed in batches. Equivalent to Keras's `Model.predict`.
  public func predict(_ x: Tensor, batchSize: Int = 32, callbacks: [any Callback] = []) throws
    -> Tensor
  {
    let outputs = try predict([x], batchSize: batchSize, callbacks: callbacks)
    guard let first = outputs.first else {
      throw PlexusError.invalidState(context: "Model '\(name)'.predict", message: "no output")
    }
    return first
  }

  /// Every output for several inputs, computed in batches.
  public func predict(_ x: [Tensor], batchSize: Int = 32, callbacks: [any Callback] = []) throws
    -> [Tensor]
  {
    let source = try BatchSource(
      inputs: x, targets: [], batchSize: batchSize, context: "Model '\(name)'.predict")
    let list = CallbackList(callbacks, model: self, steps: source.steps, verbose: 0)
    return try withModelBackend {
      try list.each { try $0.onPredictBegin(logs: [:]) }
      var pieces: [[Tensor]] = []
      for step in 0..<source.steps {
        try list.each { try $0.onPredictBatchBegin(step, logs: [:]) }
        let (inputs, _) = try source.batch(step, order: nil)
        pieces.append(try predictStep(inputs))
        try list.each { try $0.onPredictBatchEnd(step, logs: [:]) }
      }
      try list.each { try $0.onPredictEnd(logs: [:]) }
      guard let first = pieces.first else { return [] }
      return try (0..<first.count).map { output in
        try Ops.concatenate(pieces.map { $0[output] }, axis: 0)
      }
    }
  }

  /// One training step on one batch; the metrics restart first. `sampleWeight` or
  /// `classWeight` weigh the samples' losses as in `fit`.
  /// Equivalent to Keras's `Model.train_on_batch(..., return_dict=True)`.
  public func trainOnBatch(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor? = nil, classWeight: [Int: Double]? = nil
  ) throws -> [String: Double] {
    try trainOnBatch([x], [y], sampleWeight: sampleWeight, classWeight: classWeight)
  }

  /// `trainOnBatch` for several inputs or outputs.
  public func trainOnBatch(
    _ x: [Tensor], _ y: [Tensor], sampleWeight: Tensor? = nil, classWeight: [Int: Double]? = nil
  ) throws -> [String: Double] {
    let compiled = try requireCompiled("trainOnBatch")
    let weights = try sampleWeights(
      sampleWeight, classWeight: classWeight, targets: y,
      samples: x.first?.shape.dims.first ?? 0, context: "Model '\(name)'.trainOnBatch")
    compiled.resetMetrics()
    compiled.batchSampleWeight = weights
    defer { compiled.batchSampleWeight = nil }
    return try withModelBackend { try trainStep(x, y) }
  }

  /// The model's output for one batch. Equivalent to Keras's `Model.predict_on_batch`.
  public func predictOnBatch(_ x: Tensor) throws -> Tensor {
    try withModelBackend { try apply([x], training: false) }
  }
}

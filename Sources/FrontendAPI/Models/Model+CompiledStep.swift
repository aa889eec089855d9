extension Model {
  /// What each compiled step of this model has done, under `"train"`, `"test"` and
  /// `"predict"`: warm-ups, captures, replays, retraces, and why a step runs eagerly.
  public var compilationStatistics: [String: CompilationStatistics] {
    var result = ["predict": predictFunction.statistics]
    if let compiled {
      result["train"] = compiled.trainFunction.statistics
      result["test"] = compiled.testFunction.statistics
    }
    return result
  }

  /// How this model's steps run: eagerly under ``runEagerly``, else as ``jitCompile`` says.
  var stepMode: JitCompile { runEagerly ? .off : jitCompile }

  /// What a compiled step of this model depends on beyond its inputs' shapes: every layer
  /// (nested ones too) with its `trainable` switch, the variables it trains and holds, the
  /// optimizer and the settings that change the ops its update records (weight decay,
  /// clipping, moving averages), and the losses' reductions. (The optimizer's slots appear
  /// during the warm-up; a capture that makes a variable is not kept, and the next call
  /// captures again.)
  func stepStructure(optimizer: Optimizer?) -> [Int] {
    var keys: [Int] = []
    keys.reserveCapacity(64)
    var seen = Set<ObjectIdentifier>()
    func visit(_ layer: Layer) {
      let id = ObjectIdentifier(layer)
      guard seen.insert(id).inserted else { return }
      keys.append(Self.identity(layer))
      keys.append(layer.trainable ? 1 : 0)
      keys.append(Int(layer.computeDType.rawValue))
      for (_, sublayer) in layer.sublayers { visit(sublayer) }
    }
    visit(self)
    // Each weight with its trainable switch: the trainable and the other weights, in order,
    // from one walk of the (cached) weight list.
    keys.append(-1)
    for weight in weights {
      keys.append(Self.identity(weight))
      keys.append(weight.trainable ? 1 : 0)
    }
    if let optimizer {
      keys.append(Self.identity(optimizer))
      for setting in [
        optimizer.weightDecay, optimizer.clipnorm, optimizer.clipvalue, optimizer.globalClipnorm,
      ] {
        keys.append(setting.map { Int(truncatingIfNeeded: $0.bitPattern) } ?? -3)
      }
      keys.append(optimizer.useEMA ? 1 : 0)
      // Accumulating steps run eagerly: a change of the setting is another step.
      keys.append(optimizer.accumulatesOver ?? -5)
    }
    // A data-parallel step records its all-reduce: another distribution is another step.
    keys.append(DataParallel.active.map { Self.identity($0) } ?? -4)
    for loss in compiled?.losses ?? [] { keys.append(Self.identity(loss)) }
    for loss in compiled?.losses ?? [] { keys.append(loss.reduction.hashValue) }
    // Loss weights are constants of the recorded step.
    for weight in compiled?.lossWeights ?? [] {
      keys.append(Int(truncatingIfNeeded: weight.bitPattern))
    }
    return keys
  }

  /// An object's address as an integer: distinct for distinct live objects, unlike a hash.
  private static func identity(_ object: AnyObject) -> Int {
    Int(bitPattern: UInt(bitPattern: ObjectIdentifier(object)))
  }

  /// Runs one train or test step through `function` (compiled unless the model runs eagerly)
  /// and returns the predictions; the step's losses are left pending for `results()`, as an
  /// eager step leaves them.
  func runStep(_ function: StepFunction, _ x: [Tensor], _ y: [Tensor], training: Bool) throws
    -> [Tensor]
  {
    let compiled = try requireCompiled(training ? "trainStep" : "testStep")
    let weight = compiled.batchSampleWeight
    let inputs = x + y + (weight.map { [$0] } ?? [])
    let structure = stepStructure(optimizer: training ? compiled.optimizer : nil)
    let body: ([Tensor]) throws -> (results: [Tensor], aux: Any?) = { inputs in
      try self.stepBody(
        inputs, inputCount: x.count, targetCount: y.count, weighted: weight != nil,
        training: training, compiled)
    }
    // Under the model's backend as it is now (a callback may have changed it), which the
    // signature records.
    let (results, aux) = try withModelBackend {
      try function.call(inputs, structure: structure, mode: stepMode, body)
    }
    let (trackers, masked) = aux as? ([(Mean, Double)], [Int]) ?? ([], [])
    let count = results.count - trackers.count
    compiled.restorePending(
      zip(trackers, results[count...]).map { ($0.0, $1, $0.1) })
    // The predictions, with the masks their outputs carry (the metrics read them), which
    // follow them among the results.
    let predictionCount = count - masked.count
    var predictions = Array(results[..<predictionCount])
    for (offset, index) in masked.enumerated() {
      predictions[index] = predictions[index].withMask(results[predictionCount + offset])
    }
    return predictions
  }

  /// What a step runs, eager or captured: the predictions, the masks some of them carry, then
  /// the pending losses' values (beside: their trackers and weights, and which predictions
  /// carry the masks).
  private func stepBody(
    _ inputs: [Tensor], inputCount: Int, targetCount: Int, weighted: Bool, training: Bool,
    _ compiled: CompiledState
  ) throws -> (results: [Tensor], aux: Any?) {
    let x = Array(inputs[0..<inputCount])
    let y = Array(inputs[inputCount..<(inputCount + targetCount)])
    let saved = compiled.batchSampleWeight
    compiled.batchSampleWeight = weighted ? inputs.last : nil
    defer { compiled.batchSampleWeight = saved }
    let predictions: [Tensor]
    if training {
      let tape = GradientTape()
      let (loss, outputs) = try tape.record {
        let outputs = try forward(x, training: true)
        return (try computeLoss(y, outputs), outputs)
      }
      // Read after the forward pass, which builds a model on its first batch.
      let variables = trainableWeights
      let gradients = try tape.gradient(of: loss, wrt: variables)
      try compiled.optimizer.apply(gradients, to: variables)
      predictions = outputs
    } else {
      predictions = try forward(x, training: false)
      _ = try computeLoss(y, predictions)
    }
    let pending = compiled.takePending()
    let trackers: [(Mean, Double)] = pending.map { ($0.tracker, $0.weight) }
    let masked = predictions.indices.filter { predictions[$0].mask != nil }
    let masks = masked.compactMap { predictions[$0].mask }
    return (predictions + masks + pending.map(\.value), (trackers, masked))
  }

  /// The outputs for one batch of inputs in inference mode, through the compiled predict step.
  func predictStep(_ inputs: [Tensor]) throws -> [Tensor] {
    let structure = stepStructure(optimizer: nil)
    return try withModelBackend {
      try predictFunction.call(inputs, structure: structure, mode: stepMode) { inputs in
        (try forward(inputs, training: false), nil)
      }.results
    }
  }
}

extension Model {
  /// Configures training: the optimizer, the loss (applied to every output and summed), and
  /// the metrics (computed on every output). Each accepts an object or its Keras name.
  /// `weightedMetrics` are metrics weighed by the sample weights `fit` and `evaluate` get
  /// (Keras's `weighted_metrics`; models with one output); `metrics` never are.
  ///
  /// `runEagerly` runs every step op by op; `jitCompile` (Keras's `"auto"` by default) runs
  /// `fit`, `evaluate` and `predict` compiled: each step captured once and replayed.
  ///
  /// ```swift
  /// try model.compile(optimizer: Adam(learningRate: 1e-3),
  ///                   loss: SparseCategoricalCrossentropy(fromLogits: true),
  ///                   metrics: ["accuracy"])
  /// ```
  public func compile(
    optimizer: any OptimizerConvertible, loss: any LossConvertible,
    metrics: [any MetricConvertible] = [], weightedMetrics: [any MetricConvertible] = [],
    runEagerly: Bool = false, jitCompile: JitCompile = .auto
  ) throws {
    let loss = try loss.makeLoss()
    try compile(
      optimizer: optimizer, losses: Array(repeating: loss, count: outputCount),
      lossWeights: nil, metrics: metrics, weightedMetrics: weightedMetrics,
      lossConfig: loss.serialized.value)
    self.runEagerly = runEagerly
    self.jitCompile = jitCompile
  }

  /// Configures training of a model with several outputs: one loss per output (in output
  /// order), each weighted by `lossWeights` (1 each when nil) in the total that is minimised;
  /// the metrics are computed on every output.
  ///
  /// ```swift
  /// try model.compile(optimizer: "adam", loss: ["mse", "binary_crossentropy"],
  ///                   lossWeights: [1, 0.5])
  /// ```
  /// Equivalent to `model.compile(optimizer, loss=[...], loss_weights=[...])`.
  public func compile(
    optimizer: any OptimizerConvertible, loss: [any LossConvertible], lossWeights: [Double]? = nil,
    metrics: [any MetricConvertible] = [], weightedMetrics: [any MetricConvertible] = [],
    runEagerly: Bool = false, jitCompile: JitCompile = .auto
  ) throws {
    let losses = try loss.map { try $0.makeLoss() }
    try compile(
      optimizer: optimizer, losses: losses, lossWeights: lossWeights, metrics: metrics,
      weightedMetrics: weightedMetrics, lossConfig: .array(losses.map(\.serialized.value)))
    self.runEagerly = runEagerly
    self.jitCompile = jitCompile
  }

  /// Configures training of a model with several outputs with metrics of its own for each
  /// output: `outputMetrics[i]` (empty for none) on output `i`, as Keras's
  /// `metrics=[["mae"], ["accuracy"]]` or `metrics={"price": ["mae"], "kind": ["accuracy"]}`.
  ///
  /// ```swift
  /// try model.compile(optimizer: "adam", loss: ["mse", "sparse_categorical_crossentropy"],
  ///                   outputMetrics: [["mae"], ["accuracy"]])
  /// ```
  public func compile(
    optimizer: any OptimizerConvertible, loss: [any LossConvertible], lossWeights: [Double]? = nil,
    outputMetrics: [[any MetricConvertible]], weightedMetrics: [any MetricConvertible] = [],
    runEagerly: Bool = false, jitCompile: JitCompile = .auto
  ) throws {
    let losses = try loss.map { try $0.makeLoss() }
    guard outputMetrics.count == outputCount else {
      throw PlexusError.invalidArgument(
        context: "Model '\(name)'.compile",
        message: "outputMetrics needs one list per output (\(outputCount)), received "
          + "\(outputMetrics.count)")
    }
    let objects = outputMetrics.joined().compactMap { $0 as? Metric }.map(ObjectIdentifier.init)
    guard Set(objects).count == objects.count else {
      throw PlexusError.invalidArgument(
        context: "Model '\(name)'.compile",
        message: "a metric object is listed twice; each output needs metric objects of its own")
    }
    try compile(
      optimizer: optimizer, losses: losses, lossWeights: lossWeights, metrics: [],
      outputMetrics: outputMetrics, weightedMetrics: weightedMetrics,
      lossConfig: .array(losses.map(\.serialized.value)))
    self.runEagerly = runEagerly
    self.jitCompile = jitCompile
  }

  private func compile(
    optimizer: any OptimizerConvertible, losses: [Loss], lossWeights: [Double]?,
    metrics: [any MetricConvertible], outputMetrics: [[any MetricConvertible]]? = nil,
    weightedMetrics: [any MetricConvertible], lossConfig: ConfigValue
  ) throws {
    let context = "Model '\(name)'.compile"
    let optimizer = try optimizer.makeOptimizer()
    try optimizer.validateHyperparameters()
    for loss in losses { try loss.validateHyperparameters() }
    let outputs = outputCount
    guard losses.count == outputs else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "the model has \(outputs) outputs and received \(losses.count) losses; pass one "
          + "loss per output, or a single loss for all")
    }
    try checkLossWeights(lossWeights, context: context)
    if outputs > 1, metrics.contains(where: { $0 is Metric }) {
      throw PlexusError.invalidArgument(
        context: context,
        message: "a model with \(outputs) outputs takes metric names, which are made once per "
          + "output; received a metric object")
    }
    let perOutput = try zip(losses, outputMetrics ?? Array(repeating: metrics, count: outputs))
      .map { loss, metrics in try metrics.map { try $0.makeMetric(for: loss) } }
    let weighted = try weightedPerOutput(weightedMetrics, losses: losses, context: context)
    let objects = (perOutput + weighted).joined().map(ObjectIdentifier.init)
    guard Set(objects).count == objects.count else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "a metric object is listed twice (in metrics and weightedMetrics, or in one "
          + "of them); each needs an object of its own")
    }
    let prefixes = outputs > 1 ? outputNames.map { $0 + "_" } : [""]
    let state = CompiledState(
      optimizer: optimizer, losses: losses, lossWeights: lossWeights, metrics: perOutput,
      metricsPerOutput: outputMetrics != nil && outputs > 1, prefixes: prefixes,
      lossConfig: lossConfig,
      modelName: "Model '\(name)'")
    state.setWeightedMetrics(weighted)
    compiled = state
  }

  /// `weightedMetrics` made for the model's one output. A model with several outputs refuses
  /// them: Keras pairs such a list with the outputs by position, which Plexus does not do yet.
  private func weightedPerOutput(
    _ weightedMetrics: [any MetricConvertible], losses: [Loss], context: String
  ) throws -> [[Metric]] {
    guard !weightedMetrics.isEmpty else { return [] }
    guard losses.count == 1 else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "weightedMetrics are supported on models with one output; this one has "
          + "\(losses.count) (use sample-weighted losses, or metrics per output)")
    }
    return [try weightedMetrics.map { try $0.makeMetric(for: losses[0]) }]
  }

  /// Replaces the compiled weighted metrics (the C library's `px_model_set_weighted_metrics`,
  /// which follows `px_model_compile`).
  package func setWeightedMetrics(_ weightedMetrics: [any MetricConvertible]) throws {
    let compiled = try requireCompiled("setWeightedMetrics")
    let context = "Model '\(name)'.compile"
    let weighted = try weightedPerOutput(
      weightedMetrics, losses: compiled.losses, context: context)
    let objects = (compiled.metrics + weighted).joined().map(ObjectIdentifier.init)
    guard Set(objects).count == objects.count else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "a metric object is listed twice; each needs an object of its own")
    }
    compiled.setWeightedMetrics(weighted)
  }

  /// The compiled weighted metrics of the first output.
  public var weightedMetrics: [Metric] { compiled?.weightedMetrics.first ?? [] }

  /// Throws unless `weights` is nil or holds one finite weight ≥ 0 per output.
  private func checkLossWeights(_ weights: [Double]?, context: String) throws {
    guard let weights else { return }
    guard weights.count == outputCount, weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "lossWeights must hold one finite weight ≥ 0 per output (\(outputCount)), "
          + "received \(weights)")
    }
  }

  /// The weight of each output's loss in the total (nil: 1 each), as `compile` set it or
  /// ``setLossWeights(_:)`` changed it.
  public var lossWeights: [Double]? { compiled?.lossWeights }

  /// Changes the weight of each output's loss from the next step on (nil: 1 each); one finite
  /// weight ≥ 0 per output. Equivalent to compiling again with Keras's `loss_weights`.
  public func setLossWeights(_ weights: [Double]?) throws {
    let compiled = try requireCompiled("setLossWeights")
    try checkLossWeights(weights, context: "Model '\(name)'.setLossWeights")
    compiled.lossWeights = weights
  }

  /// The compiled optimizer (nil before `compile`).
  public var optimizer: Optimizer? { compiled?.optimizer }

  /// The compiled loss (nil before `compile`); the first output's when each output has its own.
  public var loss: Loss? { compiled?.loss }

  /// The compiled loss of each output, in output order (empty before `compile`).
  public var outputLosses: [Loss] { compiled?.losses ?? [] }

  /// The compiled metrics of the first output.
  public var metrics: [Metric] { compiled?.metrics.first ?? [] }

  /// The names `evaluate` and `fit` log, in the order of Keras's `evaluate` list: `loss`, then
  /// with one output its metrics in compile order (`auc`, `auc_1` for two of one name); with
  /// several, each output's loss in output order, then the metrics sorted by name. Empty before
  /// `compile`.
  public var metricsNames: [String] { compiled?.logNames ?? [] }

  func requireCompiled(_ caller: String) throws -> CompiledState {
    guard let compiled else {
      throw PlexusError.invalidState(
        context: "Model '\(name)'.\(caller)", message: "call compile(optimizer:loss:metrics:) first"
      )
    }
    return compiled
  }
}

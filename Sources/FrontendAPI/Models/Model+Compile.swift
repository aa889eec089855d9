extension Model {
  /// Configures training: the optimizer, the loss (applied to every output and summed), and
  /// the metrics (computed on every output). Each accepts an object or its Keras name.
  ///
  /// ```swift
  /// try model.compile(optimizer: Adam(learningRate: 1e-3),
  ///                   loss: SparseCategoricalCrossentropy(fromLogits: true),
  ///                   metrics: ["accuracy"])
  /// ```
  public func compile(
    optimizer: any OptimizerConvertible, loss: any LossConvertible,
    metrics: [any MetricConvertible] = []
  ) throws {
    let optimizer = try optimizer.makeOptimizer()
    try optimizer.validateHyperparameters()
    let loss = try loss.makeLoss()
    try loss.validateHyperparameters()
    let outputs = outputCount
    if outputs > 1, metrics.contains(where: { $0 is Metric }) {
      throw PlexusError.invalidArgument(
        context: "Model '\(name)'.compile",
        message: "a model with \(outputs) outputs takes metric names, which are made once per "
          + "output; received a metric object")
    }
    let perOutput = try (0..<outputs).map { _ in try metrics.map { try $0.makeMetric(for: loss) } }
    let prefixes = outputs > 1 ? outputNames.map { $0 + "_" } : [""]
    compiled = CompiledState(
      optimizer: optimizer, loss: loss, metrics: perOutput, prefixes: prefixes)
  }

  /// The compiled optimizer (nil before `compile`).
  public var optimizer: Optimizer? { compiled?.optimizer }

  /// The compiled loss (nil before `compile`).
  public var loss: Loss? { compiled?.loss }

  /// The compiled metrics of the first output.
  public var metrics: [Metric] { compiled?.metrics.first ?? [] }

  func requireCompiled(_ caller: String) throws -> CompiledState {
    guard let compiled else {
      throw PlexusError.invalidState(
        context: "Model '\(name)'.\(caller)", message: "call compile(optimizer:loss:metrics:) first"
      )
    }
    return compiled
  }
}

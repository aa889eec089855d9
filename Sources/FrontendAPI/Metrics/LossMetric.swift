/// The running mean of a loss's per-sample values: Keras's metrics named after a loss
/// (`"mse"`, `"mape"`, `"binary_crossentropy"`, ...), each a `MeanMetricWrapper` of the loss
/// function with its defaults.
///
/// - `yTrue`, `yPred`: what the loss takes.
///
/// Made by ``Metric/named(_:for:)`` and logged under the name it was asked by, as Keras's
/// `compile` logs `metrics=["mse"]` as `mse`; written back to a `compile_config` as that name.
public final class LossMetric: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// The loss whose per-sample values are averaged.
  public let loss: Loss
  /// The Keras metric class it was made as (`"BinaryCrossentropy"`), nil when made by name.
  let kerasClass: String?
  /// That class's settings beyond the name and dtype (`from_logits`, ...), for its config.
  private let settings: [String: ConfigValue]

  /// Averages `loss`'s per-sample values under `name` (a name ``Metric/named(_:for:)`` makes
  /// this metric for, so that the name alone rebuilds it from a `compile_config`), or as the
  /// Keras metric class `kerasClass` with `settings` in its config.
  init(
    _ loss: Loss, name: String, kerasClass: String? = nil, settings: [String: ConfigValue] = [:]
  ) {
    self.loss = loss
    self.kerasClass = kerasClass
    self.settings = settings
    super.init(name: name)
  }

  public override var className: String { kerasClass ?? super.className }

  public override var config: [String: ConfigValue] {
    super.config.merging(settings) { $1 }
  }

  /// Adds one batch: the loss's per-sample values, weighted by `sampleWeight` when given.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    // In float32 whatever the predictions' dtype, as the loss computes in training.
    let predicted = yPred.dtype == .bfloat16 ? try Ops.cast(yPred, to: .float32) : yPred
    let values = try loss.call(yTrue, predicted)
    try accumulate(
      try values.floats().map(Double.init), shape: values.shape, sampleWeight: sampleWeight)
  }
}

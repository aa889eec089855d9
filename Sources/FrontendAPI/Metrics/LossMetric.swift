/// The running mean of a loss's per-sample values: Keras's metrics named after a loss
/// (`"mse"`, `"mape"`, `"binary_crossentropy"`, ...), each a `MeanMetricWrapper` of the loss
/// function with its defaults.
///
/// - `yTrue`, `yPred`: what the loss takes.
///
/// Made by ``Metric/named(_:for:)`` and logged under the name it was asked by, as Keras's
/// `compile` logs `metrics=["mse"]` as `mse`; written back to a `compile_config` as that name.
public final class LossMetric: Metric {
  /// The loss whose per-sample values are averaged.
  public let loss: Loss

  /// Averages `loss`'s per-sample values under `name`.
  public init(_ loss: Loss, name: String) {
    self.loss = loss
    super.init(name: name)
  }

  /// Adds one batch: the loss's per-sample values, weighted by `sampleWeight` when given.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    let values = try loss.call(yTrue, yPred)
    try accumulate(
      try values.floats().map(Double.init), shape: values.shape, sampleWeight: sampleWeight)
  }
}

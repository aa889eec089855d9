/// Adam with decoupled weight decay (0.004 by default), applied before each update as
/// `w -= w * weightDecay * learningRate`. Equivalent to `keras.optimizers.AdamW`.
public final class AdamW: Adam {
  /// Creates the optimizer with Keras's defaults.
  public init(
    learningRate: Double = 0.001, weightDecay: Double = 0.004, beta1: Double = 0.9,
    beta2: Double = 0.999, epsilon: Double = 1e-7, clipnorm: Double? = nil,
    clipvalue: Double? = nil, globalClipnorm: Double? = nil, name: String = "adam_w"
  ) {
    super.init(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, name: name)
  }
}

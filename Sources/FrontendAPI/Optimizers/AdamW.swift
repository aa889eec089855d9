/// Adam with decoupled weight decay (0.004 by default), applied before each update as
/// `w -= w * weightDecay * learningRate`. Equivalent to `keras.optimizers.AdamW`.
public final class AdamW: Adam {
  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    weightDecay: Double = 0.004, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-7, amsgrad: Bool = false, clipnorm: Double? = nil,
    clipvalue: Double? = nil, globalClipnorm: Double? = nil, useEMA: Bool = false,
    emaMomentum: Double = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil, name: String = "adam_w"
  ) {
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, beta1: beta1,
      beta2: beta2, epsilon: epsilon, amsgrad: amsgrad, weightDecay: weightDecay,
      clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm, useEMA: useEMA,
      emaMomentum: emaMomentum, emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps, name: name)
  }
}

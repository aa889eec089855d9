import Foundation

/// Cosine decay with warm restarts (SGDR, Loshchilov & Hutter): the rate falls along a cosine
/// from `initialLearningRate` to `initialLearningRate · alpha` over `firstDecaySteps` steps,
/// then restarts; each period lasts `tMul` times the one before and starts `mMul` times as high.
///
/// ```swift
/// let schedule = CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: 1000)
/// ```
/// Equivalent to `keras.optimizers.schedules.CosineDecayRestarts`.
public struct CosineDecayRestarts: LearningRateSchedule {
  /// The rate at step 0.
  public let initialLearningRate: Double
  /// The steps of the first period; must be positive.
  public let firstDecaySteps: Int
  /// Each period's length as a multiple of the one before (Keras's `t_mul`).
  public let tMul: Double
  /// Each period's starting rate as a multiple of the one before (Keras's `m_mul`).
  public let mMul: Double
  /// The lowest rate of a period as a fraction of its starting rate.
  public let alpha: Double
  /// Keras's name of the schedule.
  public let name: String

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Double, firstDecaySteps: Int, tMul: Double = 2, mMul: Double = 1,
    alpha: Double = 0, name: String = "SGDRDecay"
  ) {
    self.initialLearningRate = initialLearningRate
    self.firstDecaySteps = firstDecaySteps
    self.tMul = tMul
    self.mMul = mMul
    self.alpha = alpha
    self.name = name
  }

  /// The rate at `step`: which period `step` falls in, and how far through it, as Keras
  /// computes them.
  public func callAsFunction(_ step: Int) -> Double {
    var fraction = Double(step) / Double(firstDecaySteps)
    let restart: Double
    if tMul == 1 {
      restart = fraction.rounded(.down)
      fraction -= restart
    } else {
      // Periods 1, t, t², …: the restarts before `step` and the fraction of the current one.
      restart = (log(1 - fraction * (1 - tMul)) / log(tMul)).rounded(.down)
      let before = (1 - pow(tMul, restart)) / (1 - tMul)
      fraction = (fraction - before) / pow(tMul, restart)
    }
    let cosine = 0.5 * pow(mMul, restart) * (1 + cos(Double.pi * fraction))
    return initialLearningRate * ((1 - alpha) * cosine + alpha)
  }

  /// Requires a finite, non-negative rate, a positive `firstDecaySteps`, a finite `tMul` > 0,
  /// a finite `mMul` ≥ 0 and a finite `alpha`.
  public func validate() throws {
    try requireRateAndSteps(initialLearningRate, decaySteps: firstDecaySteps)
    try require("tMul", tMul, in: "finite and > 0") { $0.isFinite && $0 > 0 }
    try require("mMul", mMul, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    try require("alpha", alpha, in: "finite") { $0.isFinite }
  }

  /// The settings under their Keras names.
  public var config: [String: ConfigValue] {
    [
      "initial_learning_rate": .double(initialLearningRate),
      "first_decay_steps": .int(firstDecaySteps), "t_mul": .double(tMul), "m_mul": .double(mMul),
      "alpha": .double(alpha), "name": .string(name),
    ]
  }
}

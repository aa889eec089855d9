/// Sets the optimizer's learning rate at the start of each epoch to `schedule(epoch, rate)`,
/// and adds `"learning_rate"` to each epoch's logs, as Keras does.
///
/// ```swift
/// LearningRateScheduler { epoch, rate in epoch < 10 ? rate : rate * exp(-0.1) }
/// ```
/// Setting the rate drops a `learningRateSchedule` the optimizer had (see
/// ``Optimizer/learningRate``). Equivalent to `keras.callbacks.LearningRateScheduler`.
public final class LearningRateScheduler: Callback {
  /// Maps the epoch (from 0) and the current rate to the epoch's rate.
  public typealias Schedule = (Int, Double) throws -> Double

  public weak var model: Model?
  /// 1 prints the rate set at each epoch.
  public let verbose: Int
  private let schedule: Schedule

  /// Creates the callback.
  public init(verbose: Int = 0, _ schedule: @escaping Schedule) {
    self.schedule = schedule
    self.verbose = verbose
  }

  public func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    let optimizer = try requireOptimizer()
    let rate = try schedule(epoch, Double(Float(optimizer.learningRate)))
    guard rate.isFinite else {
      throw PlexusError.invalidArgument(
        context: "LearningRateScheduler",
        message: "the schedule returned \(rate) for epoch \(epoch); it must be a finite rate")
    }
    optimizer.learningRate = rate
    if verbose > 0 {
      print("\nEpoch \(epoch + 1): LearningRateScheduler setting learning rate to \(rate).")
    }
  }

  public func onEpochEnd(_ epoch: Int, logs: inout [String: Double]) throws {
    logs["learning_rate"] = Double(Float(try requireOptimizer().learningRate))
  }

  private func requireOptimizer() throws -> Optimizer {
    guard let optimizer = model?.optimizer else {
      throw PlexusError.invalidState(
        context: "LearningRateScheduler", message: "the model has no optimizer; compile it first")
    }
    return optimizer
  }
}

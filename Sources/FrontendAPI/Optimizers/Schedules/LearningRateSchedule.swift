/// A learning rate that changes with the optimizer's step: pass one as an optimizer's
/// `learningRateSchedule`, and each step uses its value at ``Optimizer/iterations`` (0 at the
/// first step), as Keras does.
///
/// ```swift
/// let schedule = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96)
/// let optimizer = SGD(learningRateSchedule: schedule)
/// ```
/// A schedule is an immutable value, so it is `Sendable`. A custom one implements
/// ``callAsFunction(_:)`` and ``config`` and registers a factory in
/// ``LearningRateSchedules/registry`` so that optimizer configs naming it load.
/// Equivalent to `keras.optimizers.schedules.LearningRateSchedule`.
public protocol LearningRateSchedule: Sendable {
  /// The learning rate at `step` (the number of steps already applied).
  func callAsFunction(_ step: Int) -> Double

  /// The Keras class name (`"ExponentialDecay"`); the type's name by default.
  var className: String { get }

  /// The settings under their Keras names, as `get_config()` returns them.
  var config: [String: ConfigValue] { get }

  /// Throws unless every setting is in its range (Keras raises `ValueError` for the same).
  /// Optimizers call it before every step and when they load; none by default.
  func validate() throws
}

extension LearningRateSchedule {
  /// The type's name.
  public var className: String { String(describing: type(of: self)) }

  /// No checks.
  public func validate() throws {}

  /// The schedule as `keras.saving.serialize_keras_object` writes it (the `learning_rate` of
  /// an optimizer's config).
  public var serialized: SerializedObject {
    let registered = LearningRateSchedules.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.optimizers.schedules" : "", className: className,
      config: .object(config), registeredName: registered)
  }

  /// Throws naming this schedule, `setting`, the accepted range and `value` unless
  /// `accepts(value)`. NaN is never accepted.
  func require(
    _ setting: String, _ value: Double, in range: String, _ accepts: (Double) -> Bool
  ) throws {
    guard !value.isNaN, accepts(value) else {
      throw PlexusError.invalidArgument(
        context: className, message: "\(setting) must be \(range), received \(value)")
    }
  }

  /// Requires a finite, non-negative `initialLearningRate` and a positive `decaySteps`.
  func requireRateAndSteps(_ initialLearningRate: Double, decaySteps: Int) throws {
    try require("initialLearningRate", initialLearningRate, in: "finite and ≥ 0") {
      $0.isFinite && $0 >= 0
    }
    guard decaySteps > 0 else {
      throw PlexusError.invalidArgument(
        context: className, message: "decaySteps must be > 0, received \(decaySteps)")
    }
  }
}

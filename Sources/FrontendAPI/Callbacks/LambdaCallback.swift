/// A callback made of closures, for simple hooks without a class.
///
/// ```swift
/// LambdaCallback(onEpochEnd: { epoch, logs in print(epoch, logs["loss"] ?? .nan) })
/// ```
/// Equivalent to `keras.callbacks.LambdaCallback`.
public final class LambdaCallback: Callback {
  /// A hook given an epoch or batch index and the logs.
  public typealias IndexedHook = (Int, [String: Double]) throws -> Void
  /// A hook given the logs.
  public typealias Hook = ([String: Double]) throws -> Void

  public weak var model: Model?
  private let epochBegin: IndexedHook?
  private let epochEnd: IndexedHook?
  private let trainBegin: Hook?
  private let trainEnd: Hook?
  private let trainBatchBegin: IndexedHook?
  private let trainBatchEnd: IndexedHook?

  /// Creates the callback; each closure runs at its hook, and a hook without one does nothing.
  public init(
    onEpochBegin: IndexedHook? = nil, onEpochEnd: IndexedHook? = nil,
    onTrainBegin: Hook? = nil, onTrainEnd: Hook? = nil,
    onTrainBatchBegin: IndexedHook? = nil, onTrainBatchEnd: IndexedHook? = nil
  ) {
    epochBegin = onEpochBegin
    epochEnd = onEpochEnd
    trainBegin = onTrainBegin
    trainEnd = onTrainEnd
    trainBatchBegin = onTrainBatchBegin
    trainBatchEnd = onTrainBatchEnd
  }

  public func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    try epochBegin?(epoch, logs)
  }
  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    try epochEnd?(epoch, logs)
  }
  public func onTrainBegin(logs: [String: Double]) throws { try trainBegin?(logs) }
  public func onTrainEnd(logs: [String: Double]) throws { try trainEnd?(logs) }
  public func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    try trainBatchBegin?(batch, logs)
  }
  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    try trainBatchEnd?(batch, logs)
  }
}

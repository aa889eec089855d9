/// Records every epoch's logs; `fit` returns it. Equivalent to `keras.callbacks.History`.
public final class History: Callback {
  public weak var model: Model?
  /// The epochs run (0-based, as Keras counts them).
  public private(set) var epoch: [Int] = []
  /// Each metric's value per epoch: `history["loss"]`, `history["val_accuracy"]`.
  public private(set) var history: [String: [Double]] = [:]

  /// Creates an empty history.
  public init() {}

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    self.epoch.append(epoch)
    for (key, value) in logs { history[key, default: []].append(value) }
  }
}

/// Stops training when a batch's loss is NaN or infinite: after that batch, or at once with an
/// error when `raiseError` is set. Equivalent to `keras.callbacks.TerminateOnNaN`.
public final class TerminateOnNaN: Callback {
  public weak var model: Model?
  /// Whether to throw rather than stop after the batch.
  public let raiseError: Bool

  /// Creates the callback with Keras's default.
  public init(raiseError: Bool = false) {
    self.raiseError = raiseError
  }

  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    guard let loss = logs["loss"], !loss.isFinite else { return }
    if raiseError {
      throw PlexusError.invalidState(
        context: "TerminateOnNaN",
        message: "NaN or Inf loss encountered at batch \(batch). Loss value: \(loss). "
          + "Terminating training immediately.")
    }
    print("Batch \(batch): Invalid loss, terminating training")
    model?.stopTraining = true
  }
}

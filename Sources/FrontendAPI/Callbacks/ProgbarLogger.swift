/// Prints `Epoch 1/10` and a progress bar per epoch (verbose 1), or one line per epoch
/// (verbose 2). `fit` and `evaluate` add it when `verbose > 0`.
/// Equivalent to `keras.callbacks.ProgbarLogger`.
public final class ProgbarLogger: Callback {
  public weak var model: Model?
  private let epochs: Int
  private let steps: Int
  private let verbose: Int
  private var bar: Progbar?
  private var seen = 0

  /// Creates a logger for `epochs` epochs of `steps` steps.
  public init(epochs: Int, steps: Int, verbose: Int = 1) {
    self.epochs = epochs
    self.steps = steps
    self.verbose = verbose
  }

  public func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    print("Epoch \(epoch + 1)/\(epochs)")
    bar = Progbar(target: steps, verbose: verbose)
    seen = 0
  }

  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    seen = batch + 1
    bar?.update(seen, values: Self.ordered(logs), finalize: false)
  }

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    bar?.update(seen, values: Self.ordered(logs), finalize: true)
    bar = nil
  }

  public func onTestBegin(logs: [String: Double]) throws {
    if epochs == 0 { bar = Progbar(target: steps, verbose: verbose) }
  }

  public func onTestBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    if epochs == 0 { bar?.update(batch + 1, values: Self.ordered(logs), finalize: false) }
  }

  public func onTestEnd(logs: [String: Double]) throws {
    if epochs == 0 { bar?.update(steps, values: Self.ordered(logs), finalize: true) }
  }

  /// Keras's order: metrics alphabetically, validation ones last.
  static func ordered(_ logs: [String: Double]) -> [(String, Double)] {
    logs.sorted { lhs, rhs in
      let (lv, rv) = (lhs.key.hasPrefix("val_"), rhs.key.hasPrefix("val_"))
      return lv == rv ? lhs.key < rhs.key : !lv
    }.map { ($0.key, $0.value) }
  }
}

import BackendProtocol
import Plexus

/// What a `px_model` handle holds: the model, the lock that runs its calls one at a time, and
/// the state of a running `fit`.
final class ModelHandle: @unchecked Sendable {
  // `model` and `runningCall` are reached only while holding `lock` (see ``withModel``).
  private let model: Model
  private let lock = RecursiveLock()
  private var runningCall: String?
  /// Set by `px_model_stop_training` from any thread, read by the running fit.
  let stopRequested = Locked(false)

  init(_ model: Model) {
    self.model = model
  }

  /// Wraps `model` in a new handle.
  static func make(_ model: Model) -> OpaquePointer? {
    HandleTable.shared.insert(ModelHandle(model), kind: .model)
  }

  /// The handle object behind a live `px_model` handle.
  static func box(_ handle: OpaquePointer?, in function: String) throws -> ModelHandle {
    let object = try HandleTable.shared.object(
      handle, kind: .model, argument: "model", function: function)
    guard let box = object as? ModelHandle else {
      throw invalidArgument(function, "model is not a px_model handle")
    }
    return box
  }

  /// Runs `body` on the model of `handle`, holding its lock.
  static func withModel<Result>(
    _ handle: OpaquePointer?, in function: String, _ body: (Model) throws -> Result
  ) throws -> Result {
    let box = try box(handle, in: function)
    return try box.lock.withLock { try body(box.model) }
  }

  /// Runs a call that trains or runs the model (fit, evaluate, predict, train_on_batch),
  /// refusing one from inside another's progress callback.
  static func withExclusiveCall<Result>(
    _ handle: OpaquePointer?, in function: String, _ body: (Model, ModelHandle) throws -> Result
  ) throws -> Result {
    let box = try box(handle, in: function)
    return try box.lock.withLock {
      if let running = box.runningCall {
        throw PlexusError.invalidState(
          context: function,
          message: "the model is running \(running) on this thread (called from its progress "
            + "callback); wait until it returns")
      }
      box.runningCall = function
      defer { box.runningCall = nil }
      return try body(box.model, box)
    }
  }
}

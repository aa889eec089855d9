import BackendProtocol
import CPlexusSupport
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
  /// Whether the model shares layers with another model (``markSharingLayers()``).
  private let sharesLayers = Locked(false)

  /// One lock for every model that shares layers with another (`px_model_from_json_sharing`
  /// marks the new model and the ones it took layers from): layers are not safe to run from
  /// two threads at once, so calls on any of these models run one at a time, as calls on one
  /// model do, taking this lock before their own.
  private static let sharingLock = RecursiveLock()

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

  /// Runs `body` holding the model's lock. Inside a progress callback the lock is only taken
  /// when free: waiting there for a model another thread holds could wait forever (that
  /// thread's callback may be waiting for this thread's model).
  private func locked<Result>(in function: String, _ body: () throws -> Result) throws -> Result {
    guard sharesLayers.withLock({ $0 }) else { return try holding(lock, in: function, body) }
    return try holding(Self.sharingLock, in: function) {
      try holding(lock, in: function, body)
    }
  }

  /// Runs `body` holding `lock`; inside a progress callback only when it is free.
  private func holding<Result>(
    _ lock: RecursiveLock, in function: String, _ body: () throws -> Result
  ) throws -> Result {
    guard px_support_callback_depth(0) > 0 else { return try lock.withLock(body) }
    guard let result = try lock.withLockIfFree(body) else {
      throw PlexusError.invalidState(
        context: function,
        message: "model '\(model.name)' is busy in a call on another thread; a progress "
          + "callback may not wait for it (both threads could wait forever)")
    }
    return result
  }

  /// Marks the model as sharing layers with another: from now on its calls also take the lock
  /// of every such model. Called holding the model's own lock, so no call of it is running.
  func markSharingLayers() {
    sharesLayers.withLock { $0 = true }
  }

  /// Runs `body` on the model of `handle` to read it, holding its lock.
  static func withModel<Result>(
    _ handle: OpaquePointer?, in function: String, _ body: (Model) throws -> Result
  ) throws -> Result {
    let box = try box(handle, in: function)
    return try box.locked(in: function) { try body(box.model) }
  }

  /// Runs `body` on the model of `handle` to change its structure (compile, add a layer or an
  /// input, build), refusing from inside the model's own progress callback: the running call
  /// would go on with a model changed under it. Weights and the backend may change there (as
  /// Keras's EarlyStopping restores weights, and a callback may switch backends per epoch).
  static func withMutableModel<Result>(
    _ handle: OpaquePointer?, in function: String, _ body: (Model) throws -> Result
  ) throws -> Result {
    let box = try box(handle, in: function)
    return try box.locked(in: function) {
      try box.refuseInsideRunningCall(function, "change it after the call returns")
      return try body(box.model)
    }
  }

  /// Runs a call that trains or runs the model (fit, evaluate, predict, train_on_batch),
  /// refusing one from inside another's progress callback, except an `inference` call
  /// (evaluate, predict, a call on a batch) from inside fit's: Keras's callbacks predict and
  /// evaluate between steps (extra validation metrics at an epoch's end), where no step is
  /// running.
  static func withExclusiveCall<Result>(
    _ handle: OpaquePointer?, in function: String, inference: Bool = false,
    _ body: (Model, ModelHandle) throws -> Result
  ) throws -> Result {
    let box = try box(handle, in: function)
    return try box.locked(in: function) {
      let outer = box.runningCall
      if !(inference && outer.map(Self.fitCalls.contains) == true) {
        try box.refuseInsideRunningCall(function, "wait until it returns")
      }
      box.runningCall = function
      defer { box.runningCall = outer }
      return try body(box.model, box)
    }
  }

  /// The calls inside whose progress callbacks an inference call may run.
  private static let fitCalls: Set<String> = ["px_model_fit", "px_model_fit_dataset"]

  /// Throws when the model is running a call on this thread (the caller holds the lock, so a
  /// running call is this thread's: the caller is that call's progress callback).
  private func refuseInsideRunningCall(_ function: String, _ advice: String) throws {
    guard let running = runningCall else { return }
    throw PlexusError.invalidState(
      context: function,
      message: "model '\(model.name)' is running \(running) (this is its progress callback); "
        + advice)
  }
}

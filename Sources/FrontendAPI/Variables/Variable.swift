/// The one mutable thing in Plexus: a named holder of a tensor, updated in place by optimizers.
///
/// Reading ``value`` inside a recording ``GradientTape`` watches the variable (when it is
/// `trainable`), so gradients flow back to it. A variable is `Sendable`: its value, path and
/// `trainable` switch sit behind a lock, so reads and assignments from several threads are
/// safe, and a value once read never changes. Equivalent to `keras.Variable`.
public final class Variable: Sendable, CustomStringConvertible {
  /// The name, unique within its layer (`"kernel"`, `"bias"`); ``path`` adds the owners.
  public let name: String
  /// Whether it was made trainable: a layer's `trainable` switch toggles only these, so a
  /// weight made non-trainable (a running statistic, say) stays that way.
  let createdTrainable: Bool
  /// The element type, fixed at creation.
  public let dtype: DType
  /// The shape, fixed at creation.
  public let shape: Shape

  private struct State {
    var storage: Storage
    var path: String
    var trainable: Bool
    var constraint: (any Constraint)?
  }
  private let state: Locked<State>

  /// Creates a variable holding a copy-free reference to `initialValue`.
  public convenience init(_ initialValue: Tensor, name: String = "variable", trainable: Bool = true)
  {
    self.init(initialValue, name: name, trainable: trainable, createdTrainable: trainable)
  }

  init(_ initialValue: Tensor, name: String, trainable: Bool, createdTrainable: Bool) {
    Dispatcher.scope.recorder?.retryLater("it made variable '\(name)'")
    self.name = name
    self.createdTrainable = createdTrainable
    self.dtype = initialValue.dtype
    self.shape = initialValue.shape
    self.state = Locked(
      State(
        storage: initialValue.buffer.storage, path: name, trainable: trainable, constraint: nil))
  }

  /// Projected onto after every optimizer update: ``Optimizer/apply(_:to:)`` assigns
  /// `constraint(value)` once the variable is updated. Equivalent to Keras's
  /// `variable.constraint`.
  ///
  /// ```swift
  /// let kernel = try layer.addWeight(name: "kernel", shape: [4, 2])
  /// kernel.constraint = MaxNorm(3)
  /// ```
  public var constraint: (any Constraint)? {
    get { state.withLock { $0.constraint } }
    set { state.withLock { $0.constraint = newValue } }
  }

  /// The full path assigned when a model collects its weights (`"dense.kernel"`).
  public internal(set) var path: String {
    get { state.withLock { $0.path } }
    set { state.withLock { $0.path = newValue } }
  }

  /// Whether optimizers update it and tapes watch it.
  public var trainable: Bool {
    get { state.withLock { $0.trainable } }
    set { state.withLock { $0.trainable = newValue } }
  }

  /// The current value. Later updates do not change a value already read.
  ///
  /// Inside the `call` of a layer computing in bfloat16 (``DTypePolicy/mixedBFloat16``), a
  /// trainable float32 variable reads as its bfloat16 cast; the cast is recorded on the tape,
  /// so the gradient reaches the variable in float32.
  public var value: Tensor {
    let read = GradientTape.recordRead(of: self, buffer)
    guard DTypePolicy.mixedInUse, let compute = Autocast.dtype, compute != dtype,
      dtype == .float32, createdTrainable
    else { return read }
    // A failed cast leaves the float32 value, which the layer's op then reports as a dtype
    // mismatch naming the layer.
    return (try? Ops.cast(read, to: compute)) ?? read
  }

  /// The current value as a buffer, never watched by a tape.
  var buffer: TensorBuffer {
    let storage = state.withLock { $0.storage }
    if let recorder = Dispatcher.scope.recorder { recorder.note(self, storage: storage) }
    return TensorBuffer(dtype: dtype, shape: shape, uncheckedStorage: storage)
  }

  /// Replaces the value; the shape must match, and a value of another dtype is converted to
  /// this one (as Keras's `variable.assign` does).
  public func assign(_ newValue: Tensor) throws {
    guard newValue.shape == shape else {
      throw PlexusError.shapeMismatch(
        context: "Variable '\(path)'.assign", expected: "\(shape)", received: "\(newValue.shape)")
    }
    let converted = newValue.dtype == dtype ? newValue : try Ops.cast(newValue, to: dtype)
    let storage = converted.buffer.storage
    state.withLock { $0.storage = storage }
    Dispatcher.scope.recorder?.noteAssignment(self, source: converted.buffer)
  }

  /// Runs `body` with a buffer it may write in place, holding the variable's lock so that no
  /// read sees a half-written value: the variable's own storage when nothing else holds it,
  /// else a private copy that the variable adopts first (so values read earlier never change).
  func withMutableBuffer<R>(_ body: (TensorBuffer) throws -> R) throws -> R {
    state.lockUnscoped()
    defer { state.unlockUnscoped() }
    return try body(try heldMutableBuffer())
  }

  /// The variable's own storage, made unique first (a private copy that the variable adopts
  /// when anything else holds it, so values read earlier never change). The caller holds the
  /// state's lock.
  private func heldMutableBuffer() throws -> TensorBuffer {
    let (dtype, shape) = (dtype, shape)
    let recorder = Dispatcher.scope.recorder
    return try state.withLockHeld { state in
      recorder?.note(self, storage: state.storage)
      if !isKnownUniquelyReferenced(&state.storage) {
        // A plain byte copy, not a dispatched op: no observer or backend code runs while the
        // variable's lock is held.
        let copy = try TensorBuffer.allocate(dtype, shape)
        copy.storage.base.copyMemory(
          from: state.storage.base, byteCount: shape.elementCount * dtype.byteSize)
        state.storage = copy.storage
        recorder?.note(self, storage: copy.storage, copied: true)
      }
      return TensorBuffer(dtype: dtype, shape: shape, uncheckedStorage: state.storage)
    }
  }

  /// Puts the value back into `original`, memory this variable held before a capture copied it
  /// for an in-place update (the capture's own references made it shared), when nothing else
  /// holds `original` now: a capture leaves each variable's memory where it was, as an eager
  /// step does.
  func moveBack(into original: inout Storage) {
    let bytes = shape.elementCount * dtype.byteSize
    guard isKnownUniquelyReferenced(&original), original.byteCount >= bytes else { return }
    let target = original
    state.withLock { state in
      guard state.storage !== target else { return }
      target.base.copyMemory(from: state.storage.base, byteCount: bytes)
      state.storage = target
    }
  }

  /// Runs `body` with writable buffers of every variable in `variables` (distinct ones, in the
  /// order given). The locks are taken in address order, one global order, so two threads
  /// updating overlapping sets of variables cannot deadlock; a variable listed twice is an error.
  static func withMutableBuffers<R>(
    _ variables: [Variable], _ body: ([TensorBuffer]) throws -> R
  ) throws -> R {
    let order = variables.indices.sorted {
      ObjectIdentifier(variables[$0]) < ObjectIdentifier(variables[$1])
    }
    for (previous, next) in zip(order, order.dropFirst())
    where variables[previous] === variables[next] {
      throw PlexusError.invalidArgument(
        context: "Variable '\(variables[next].path)'",
        message: "is updated twice in one step; pass each variable once")
    }
    var held = 0
    defer {
      for position in (0..<held).reversed() { variables[order[position]].state.unlockUnscoped() }
    }
    for index in order {
      variables[index].state.lockUnscoped()
      held += 1
    }
    var buffers: [TensorBuffer] = []
    buffers.reserveCapacity(variables.count)
    for variable in variables { buffers.append(try variable.heldMutableBuffer()) }
    return try body(buffers)
  }

  /// The element count.
  public var count: Int { shape.elementCount }

  public var description: String { "<Variable path=\(path), shape=\(shape), dtype=\(dtype)>" }
}

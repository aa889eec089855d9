/// Records the ops run inside ``record(_:)`` so that ``gradient(of:wrt:)-(_,[Variable])`` can
/// differentiate through them, the way `tf.GradientTape` does.
///
/// ```swift
/// let tape = GradientTape()
/// let loss = try tape.record { try lossFunction(labels, model(x, training: true)) }
/// let gradients = try tape.gradient(of: loss, wrt: model.trainableVariables)
/// ```
///
/// Trainable variables read inside `record` are watched automatically; tensors are watched
/// with ``watch(_:)-(inout Tensor)``, which gives the tensor, in place, an identity the tape
/// tracks (a `let` cannot be watched: the compiler says so, instead of a nil gradient later).
/// A tape that is not `persistent` answers one `gradient` call and then releases what it
/// recorded. A tape records the ops of the task that runs `record`; child tasks inherit it and
/// may record into it concurrently (its state is behind a lock). Gradient rules are written
/// with Plexus ops, so a tape that is recording while another computes its gradients records
/// those too (higher-order derivatives).
public final class GradientTape: Sendable {
  /// Whether `gradient` may be called more than once.
  public let persistent: Bool
  /// Whether trainable variables read while recording are watched without `watch`.
  public let watchAccessedVariables: Bool

  struct State {
    var nodes: [TapeNode] = []
    var tracked: Set<Int> = []
    var variableReads: [ObjectIdentifier: [Int]] = [:]
    var watchedVariables: Set<ObjectIdentifier> = []
    var consumed = false
  }
  let state = Locked(State())

  @TaskLocal static var active: [GradientTape] = []

  /// Creates an empty tape.
  public init(persistent: Bool = false, watchAccessedVariables: Bool = true) {
    self.persistent = persistent
    self.watchAccessedVariables = watchAccessedVariables
  }

  /// Runs `body` with this tape recording.
  public func record<R>(_ body: () throws -> R) rethrows -> R {
    try GradientTape.$active.withValue(GradientTape.active + [self]) { try body() }
  }

  /// Runs `body` with this tape recording; child tasks it starts record on it too.
  public func record<R: Sendable>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
  ) async rethrows -> R {
    try await GradientTape.$active.withValue(GradientTape.active + [self]) { try await body() }
  }

  /// Gives `tensor` an identity this tape tracks, in place, so that ops on it are recorded
  /// and ``gradient(of:wrt:)-(_,[Tensor])`` can answer for it. Equivalent to `tape.watch(x)`.
  ///
  /// ```swift
  /// var x = try Tensor(3.0)
  /// tape.watch(&x)
  /// let y = try tape.record { try x * x }
  /// let dx = try tape.gradient(of: y, wrt: [x])  // [6.0]
  /// ```
  public func watch(_ tensor: inout Tensor) {
    let id = tensor.tapeID != 0 ? tensor.tapeID : Tensor.makeTapeID()
    state.withLock { _ = $0.tracked.insert(id) }
    tensor = tensor.withTapeID(id)
  }

  /// Watches each tensor in `tensors`, in place.
  public func watch(_ tensors: inout [Tensor]) {
    for index in tensors.indices { watch(&tensors[index]) }
  }

  /// Watches reads of `variable` even when it is not trainable or the tape was made with
  /// `watchAccessedVariables: false`. Equivalent to `tape.watch(variable)`.
  public func watch(_ variable: Variable) {
    state.withLock { _ = $0.watchedVariables.insert(ObjectIdentifier(variable)) }
  }

  /// The gradients of `target` (summed over its elements) with respect to each variable; nil
  /// where a variable does not influence `target`.
  public func gradient(of target: Tensor, wrt variables: [Variable]) throws -> [Tensor?] {
    try gradient(of: target, keys: variables.map(\.gradientKey))
  }

  /// The gradients of `target` (summed over its elements) with respect to watched tensors; nil
  /// where a tensor does not influence `target`.
  public func gradient(of target: Tensor, wrt sources: [Tensor]) throws -> [Tensor?] {
    try gradient(of: target, keys: sources.map(\.gradientKey))
  }

  /// The gradients of `target` with respect to watched tensors and variables in one pass, in
  /// the order given: `tape.gradient(of: loss, wrt: [x, dense.kernel])`. Equivalent to
  /// `tape.gradient(loss, [x, w])`.
  public func gradient(of target: Tensor, wrt sources: [any GradientSource]) throws -> [Tensor?] {
    try gradient(of: target, keys: sources.map(\.gradientKey))
  }

  /// The gradients for sources found by their keys (no dynamic casts on a training step's path).
  private func gradient(of target: Tensor, keys: [GradientKey]) throws -> [Tensor?] {
    var keeping = Set<Int>()
    for key in keys {
      if case .tensor(let id) = key.kind, id != 0 { keeping.insert(id) }
    }
    let (grads, reads) = try backpropagate(from: target, keeping: keeping)
    return try keys.map { key in
      switch key.kind {
      case .tensor(let id):
        return id == 0 ? nil : grads[id]
      case .variable(let variable):
        var total: Tensor?
        for id in reads[variable] ?? [] {
          guard let grad = grads[id] else { continue }
          total = try total.map { try Ops.add($0, grad) } ?? grad
        }
        return total
      }
    }
  }

  /// Gradients by tape identity: those of leaves (watched tensors and variable reads), plus the
  /// intermediate values in `keeping`; others are dropped once consumed to bound memory. Also
  /// returns the variable reads, taken under the same lock as the recorded ops.
  private func backpropagate(from target: Tensor, keeping: Set<Int>) throws
    -> (grads: [Int: Tensor], reads: [ObjectIdentifier: [Int]])
  {
    guard target.dtype.isFloatingPoint else {
      throw PlexusError.dtypeMismatch(
        context: "GradientTape.gradient", expected: "a floating-point target",
        received: "\(target.dtype)")
    }
    let persistent = persistent
    let snapshot = state.withLock {
      state -> (nodes: [TapeNode], reads: [ObjectIdentifier: [Int]])? in
      guard !state.consumed else { return nil }
      let taken = (state.nodes, state.variableReads)
      if !persistent {
        state.consumed = true
        state.nodes = []
      }
      return taken
    }
    guard let snapshot else {
      throw PlexusError.invalidState(
        context: "GradientTape.gradient",
        message: "a non-persistent tape answers one gradient call; "
          + "create it with GradientTape(persistent: true) to ask more")
    }
    // The gradient rules run ops, which may record on active tapes (this one included), so
    // they run on a snapshot, outside the lock.
    var grads: [Int: Tensor] = [:]
    if target.tapeID != 0 {
      // A scalar loss (the usual target) seeds with a host-written one, no dispatch.
      grads[target.tapeID] =
        target.rank == 0 ? try Tensor.scalar(1, dtype: target.dtype) : try Ops.onesLike(target)
    }
    for node in snapshot.nodes.reversed() {
      let id = node.output.tapeID
      guard let outputGrad = keeping.contains(id) ? grads[id] : grads.removeValue(forKey: id)
      else { continue }
      let inputGrads = try GradientRules.backward(node, outputGrad)
      for (input, grad) in zip(node.inputs, inputGrads) {
        guard let grad, input.tapeID != 0, input.dtype.isFloatingPoint else { continue }
        let cast = grad.dtype == input.dtype ? grad : try Ops.cast(grad, to: input.dtype)
        if let existing = grads[input.tapeID] {
          grads[input.tapeID] = try Ops.add(existing, cast)
        } else {
          grads[input.tapeID] = cast
        }
      }
    }
    return (grads, snapshot.reads)
  }

  // MARK: Recording hooks, called by the ops

  /// Records an op whose output is `output`, when any active tape tracks one of `inputs`.
  static func record(_ op: @autoclosure () -> TapeOp, inputs: [Tensor], output: TensorBuffer)
    -> Tensor
  {
    let tapes = active
    guard !tapes.isEmpty, inputs.contains(where: { $0.tapeID != 0 }) else {
      return Tensor(output)
    }
    var result: Tensor?
    var node: TapeNode?
    for tape in tapes {
      let tensor = result ?? Tensor(output, tapeID: Tensor.makeTapeID())
      let recorded = node ?? TapeNode(op: op(), inputs: inputs, output: tensor)
      // One critical section: whether the tape tracks an input, and if so, the record.
      let tracks = tape.state.withLock { state -> Bool in
        guard inputs.contains(where: { $0.tapeID != 0 && state.tracked.contains($0.tapeID) })
        else { return false }
        state.tracked.insert(tensor.tapeID)
        state.nodes.append(recorded)
        return true
      }
      if tracks {
        result = tensor
        node = recorded
      }
    }
    return result ?? Tensor(output)
  }

  /// A read of `variable` under the active tapes.
  static func recordRead(of variable: Variable, _ buffer: TensorBuffer) -> Tensor {
    let tapes = active
    guard !tapes.isEmpty else { return Tensor(buffer) }
    let key = ObjectIdentifier(variable)
    let automatic = variable.trainable
    var result: Tensor?
    for tape in tapes {
      let watches = tape.watchAccessedVariables && automatic
      let tensor = result ?? Tensor(buffer, tapeID: Tensor.makeTapeID())
      let recorded = tape.state.withLock { state -> Bool in
        guard watches || state.watchedVariables.contains(key) else { return false }
        state.tracked.insert(tensor.tapeID)
        state.variableReads[key, default: []].append(tensor.tapeID)
        return true
      }
      if recorded { result = tensor }
    }
    return result ?? Tensor(buffer)
  }
}

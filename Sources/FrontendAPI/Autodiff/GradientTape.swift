/// Records the ops run inside ``record(_:)`` so that ``gradient(of:wrt:)-(_,[Variable])`` can
/// differentiate through them, the way `tf.GradientTape` does.
///
/// ```swift
/// let tape = GradientTape()
/// let loss = try tape.record { try lossFunction(labels, model(x, training: true)) }
/// let gradients = try tape.gradient(of: loss, wrt: model.trainableVariables)
/// ```
///
/// Trainable variables read inside `record` are watched automatically; other tensors are
/// watched with ``watch(_:)``. A tape that is not `persistent` answers one `gradient` call and
/// then releases what it recorded. A tape records the ops of the task that runs `record`;
/// child tasks inherit it, so ops run concurrently in child tasks must not share one tape. Gradient rules are written with Plexus ops, so a tape that
/// is recording while another computes its gradients records those too (higher-order
/// derivatives).
public final class GradientTape: @unchecked Sendable {
  /// Whether `gradient` may be called more than once.
  public let persistent: Bool
  /// Whether trainable variables read while recording are watched without `watch`.
  public let watchAccessedVariables: Bool

  var nodes: [TapeNode] = []
  var tracked: Set<Int> = []
  var variableReads: [ObjectIdentifier: [Int]] = [:]
  private var consumed = false

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

  /// Returns `tensor` under an identity this tape tracks, so gradients can be taken with
  /// respect to it.
  public func watch(_ tensor: Tensor) -> Tensor {
    let id = tensor.tapeID != 0 ? tensor.tapeID : Tensor.makeTapeID()
    tracked.insert(id)
    return tensor.withTapeID(id)
  }

  /// The gradients of `target` (summed over its elements) with respect to each variable; nil
  /// where a variable does not influence `target`.
  public func gradient(of target: Tensor, wrt variables: [Variable]) throws -> [Tensor?] {
    let grads = try backpropagate(from: target, keeping: [])
    return try variables.map { variable in
      let ids = variableReads[ObjectIdentifier(variable)] ?? []
      var total: Tensor?
      for id in ids {
        guard let grad = grads[id] else { continue }
        total = try total.map { try Ops.add($0, grad) } ?? grad
      }
      return total
    }
  }

  /// The gradients of `target` (summed over its elements) with respect to watched tensors; nil
  /// where a tensor does not influence `target`.
  public func gradient(of target: Tensor, wrt sources: [Tensor]) throws -> [Tensor?] {
    let grads = try backpropagate(from: target, keeping: Set(sources.map(\.tapeID)))
    return sources.map { $0.tapeID == 0 ? nil : grads[$0.tapeID] }
  }

  /// Gradients by tape identity: those of leaves (watched tensors and variable reads), plus the
  /// intermediate values in `keeping`; others are dropped once consumed to bound memory.
  private func backpropagate(from target: Tensor, keeping: Set<Int>) throws -> [Int: Tensor] {
    guard !consumed else {
      throw PlexusError.invalidState(
        context: "GradientTape.gradient",
        message: "a non-persistent tape answers one gradient call; "
          + "create it with GradientTape(persistent: true) to ask more")
    }
    guard target.dtype.isFloatingPoint else {
      throw PlexusError.dtypeMismatch(
        context: "GradientTape.gradient", expected: "a floating-point target",
        received: "\(target.dtype)")
    }
    var grads: [Int: Tensor] = [:]
    if target.tapeID != 0 {
      grads[target.tapeID] = try Ops.onesLike(target)
    }
    for node in nodes.reversed() {
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
    if !persistent {
      consumed = true
      nodes = []
    }
    return grads
  }

  // MARK: Recording hooks, called by the ops

  /// Records an op whose output is `output`, when any active tape tracks one of `inputs`.
  static func record(_ op: @autoclosure () -> TapeOp, inputs: [Tensor], output: TensorBuffer)
    -> Tensor
  {
    let tapes = active
    guard !tapes.isEmpty else { return Tensor(output) }
    var result: Tensor?
    for tape in tapes
    where inputs.contains(where: { $0.tapeID != 0 && tape.tracked.contains($0.tapeID) }) {
      let tensor = result ?? Tensor(output, tapeID: Tensor.makeTapeID())
      result = tensor
      tape.tracked.insert(tensor.tapeID)
      tape.nodes.append(TapeNode(op: op(), inputs: inputs, output: tensor))
    }
    return result ?? Tensor(output)
  }

  /// A read of `variable` under the active tapes.
  static func recordRead(of variable: Variable, _ buffer: TensorBuffer) -> Tensor {
    let tapes = active
    guard variable.trainable, !tapes.isEmpty else { return Tensor(buffer) }
    var result: Tensor?
    for tape in tapes where tape.watchAccessedVariables {
      let tensor = result ?? Tensor(buffer, tapeID: Tensor.makeTapeID())
      result = tensor
      tape.tracked.insert(tensor.tapeID)
      tape.variableReads[ObjectIdentifier(variable), default: []].append(tensor.tapeID)
    }
    return result ?? Tensor(buffer)
  }
}

/// Runs a recurrent layer over the sequence in both directions and merges the two outputs.
///
/// ```swift
/// let layer = try Bidirectional(LSTM(16, returnSequences: true))
/// let y = try layer(x)   // x: (batch, time, features) → y: (batch, time, 32)
/// ```
/// The forward layer is a copy of `layer` named `forward_<name>`; the backward one a copy with
/// `goBackwards` flipped named `backward_<name>`, unless `backwardLayer` is given. With
/// sequences, the backward outputs are reversed in time before merging, so that step `t` of
/// both sits at `t`, as Keras does. `mergeMode` `.concat` (features doubled), `.sum`, `.mul`,
/// `.ave`, or nil for both outputs apart; nil or `returnState` return several tensors: use
/// ``callWithStates(_:initialState:training:)`` (in a Functional graph too, where
/// `initialState` takes the forward layer's states, then the backward layer's).
/// Equivalent to `keras.layers.Bidirectional`.
public final class Bidirectional: Layer {
  /// How the two directions' outputs combine.
  public enum MergeMode: String, Sendable, CaseIterable {
    /// Joined along the features.
    case concat
    /// Added.
    case sum
    /// Multiplied element by element.
    case mul
    /// Averaged.
    case ave
  }

  /// The layer run from the first step to the last (Keras's `forward_layer`).
  public let forwardLayer: RNN
  /// The layer run from the last step to the first (Keras's `backward_layer`).
  public let backwardLayer: RNN
  /// How the outputs combine; nil returns both.
  public let mergeMode: MergeMode?

  /// Wraps copies of `layer` (and `backwardLayer`, when given, as the backward one).
  public init(
    _ layer: RNN, mergeMode: MergeMode? = .concat, backwardLayer: RNN? = nil,
    name: String? = nil
  ) throws {
    let forward = try Self.copy(layer, prefix: "forward_", flipDirection: false)
    let backward = try backwardLayer ?? Self.copy(layer, prefix: "backward_", flipDirection: true)
    self.forwardLayer = forward
    self.backwardLayer = backward
    self.mergeMode = mergeMode
    super.init(name: name)
    guard forward.goBackwards != backward.goBackwards else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "the forward and backward layers must run in opposite directions; both have "
          + "go_backwards \(forward.goBackwards)")
    }
    guard forward.returnSequences == backward.returnSequences,
      forward.returnState == backward.returnState
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "the forward and backward layers must agree on return_sequences and "
          + "return_state; received \(forward.returnSequences)/\(forward.returnState) and "
          + "\(backward.returnSequences)/\(backward.returnState)")
    }
    if forward.returnSequences {
      forward.zeroOutputForMask = true
      backward.zeroOutputForMask = true
    }
  }

  /// Keras's copy of the wrapped layer: rebuilt from its config under a new name.
  private static func copy(_ layer: RNN, prefix: String, flipDirection: Bool) throws -> RNN {
    var config = layer.config
    let base =
      layer.name.hasPrefix(prefix) ? String(layer.name.dropFirst(prefix.count)) : layer.name
    config["name"] = .string(prefix + base)
    if flipDirection { config["go_backwards"] = .bool(!layer.goBackwards) }
    var object = layer.serialized
    object.config = .object(config)
    guard let copy = try Layer.fromConfig(object.value) as? RNN else {
      throw PlexusError.invalidArgument(
        context: "Bidirectional", message: "cannot copy \(layer.identity) as a recurrent layer")
    }
    return copy
  }

  /// Whether each step's merged output is returned.
  public var returnSequences: Bool { forwardLayer.returnSequences }
  /// Whether the final states of both directions follow the output.
  public var returnState: Bool { forwardLayer.returnState }

  public override func build(inputShape: Shape) throws {
    guard inputShape.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 3, (batch, timesteps, features)",
        received: "\(inputShape)")
    }
    try forwardLayer.buildIfNeeded([inputShape])
    try backwardLayer.buildIfNeeded([inputShape])
  }

  /// Both directions read the input's mask; the merged sequence passes it on.
  public override var supportsMasking: Bool { true }

  public override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    returnSequences ? previousMask : nil
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let mergeMode, !returnState else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "returns several tensors (merge_mode \(mergeMode?.rawValue ?? "None"), "
          + "return_state \(returnState)); call callWithStates(_:initialState:training:) to "
          + "receive them")
    }
    let (forward, backward) = try directions(x, initialState: nil, training: training)
    return try Self.merge(forward[0], backward[0], mergeMode)
  }

  /// What Keras's call returns, as a list: the merged output (or, with merge mode nil, the
  /// forward and the backward output), then with `returnState` the forward layer's final
  /// states and the backward layer's. `initialState`, when given, holds the forward layer's
  /// initial states, then the backward layer's.
  public func callWithStates(
    _ x: Tensor, initialState: [Tensor]? = nil, training: Bool = false
  ) throws -> [Tensor] {
    try prepare([x])
    return try autocasting([x] + (initialState ?? [])) { cast in
      let given = initialState == nil ? nil : Array(cast.dropFirst())
      let (forward, backward) = try directions(cast[0], initialState: given, training: training)
      let states = Array(forward.dropFirst()) + Array(backward.dropFirst())
      // Keras's compute_mask: sequences keep the input's mask, the states have none.
      let mask = returnSequences ? x.mask : nil
      guard let mergeMode else {
        return [forward[0].withMask(mask), backward[0].withMask(mask)] + states
      }
      return [try Self.merge(forward[0], backward[0], mergeMode).withMask(mask)] + states
    }
  }

  /// Both layers' outputs and states, the backward sequence put back in time order.
  private func directions(_ x: Tensor, initialState: [Tensor]?, training: Bool) throws
    -> ([Tensor], [Tensor])
  {
    var forwardStates: [Tensor]?
    var backwardStates: [Tensor]?
    if let initialState {
      let count = forwardLayer.cell.stateSize.count
      guard initialState.count == count + backwardLayer.cell.stateSize.count else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity) initial_state",
          message: "holds \(initialState.count) tensors; expected the forward layer's "
            + "\(count) states, then the backward layer's "
            + "\(backwardLayer.cell.stateSize.count)")
      }
      forwardStates = Array(initialState.prefix(count))
      backwardStates = Array(initialState.dropFirst(count))
    }
    let forward = try forwardLayer.callWithStates(
      x, initialState: forwardStates, training: training)
    var backward = try backwardLayer.callWithStates(
      x, initialState: backwardStates, training: training)
    if returnSequences {
      let steps = backward[0].shape[1]
      let slices = try (0..<steps).reversed().map { time in
        try Ops.slice(
          backward[0], starts: [0, time, 0],
          sizes: [backward[0].shape[0], 1, backward[0].shape[2]])
      }
      backward[0] = try Ops.concatenate(slices, axis: 1)
    }
    return (forward, backward)
  }

  private static func merge(_ forward: Tensor, _ backward: Tensor, _ mode: MergeMode) throws
    -> Tensor
  {
    switch mode {
    case .concat: return try Ops.concatenate([forward, backward], axis: -1)
    case .sum: return try Ops.add(forward, backward)
    case .mul: return try Ops.multiply(forward, backward)
    case .ave:
      return try Ops.multiply(
        Ops.add(forward, backward), Tensor.scalar(0.5, dtype: forward.dtype))
    }
  }

  /// ``callWithStates(_:initialState:training:)`` in a Functional graph: the outputs as graph
  /// tensors (Keras's `layer(x, initial_state=[...])`).
  public func callWithStates(_ x: SymbolicTensor, initialState: [SymbolicTensor]? = nil) throws
    -> [SymbolicTensor]
  {
    let states = initialState ?? []
    try buildIfNeeded([x.shape])
    if !states.isEmpty {
      try checkInitialState(
        states, sizes: forwardLayer.cell.stateSize + backwardLayer.cell.stateSize,
        batch: x.shape[0])
    }
    let stateSizes =
      returnState ? forwardLayer.cell.stateSize + backwardLayer.cell.stateSize : []
    let outputShapes =
      mergeMode == nil
      ? [
        try forwardLayer.computeOutputShape([x.shape]),
        try backwardLayer.computeOutputShape([x.shape]),
      ]
      : [try computeOutputShape([x.shape])]
    let call = LayerCall(
      layer: self, inputs: [x] + states, stateInputs: states.count,
      outputCount: outputShapes.count + stateSizes.count)
    let shapes = outputShapes + stateSizes.map { Shape([x.shape[0], $0]) }
    return shapes.enumerated().map { index, shape in
      SymbolicTensor(shape: shape, dtype: x.dtype, producer: call, outputIndex: index)
    }
  }

  /// `layer(x, initial_state=[...])` in a graph for a layer that makes one tensor (a merge
  /// mode, no `returnState`).
  public func callAsFunction(_ x: SymbolicTensor, initialState: [SymbolicTensor]) throws
    -> SymbolicTensor
  {
    guard !makesSeveralOutputs else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "returns several tensors (merge_mode \(mergeMode?.rawValue ?? "None"), "
          + "return_state \(returnState)); use callWithStates(_:initialState:)")
    }
    return try callWithStates(x, initialState: initialState)[0]
  }

  override func applyCall(_ call: LayerCall, _ inputs: [Tensor], training: Bool) throws
    -> [Tensor]
  {
    try applyStatefulCall(inputs, training: training)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    let forward = try forwardLayer.computeOutputShape(inputShapes)
    guard mergeMode == .concat else { return forward }
    var dims = forward.dims
    dims[dims.count - 1] += try backwardLayer.computeOutputShape(inputShapes).dims.last ?? 0
    return Shape(dims)
  }

  /// Keras's Bidirectional config: the merge mode and both serialized layers.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "merge_mode": mergeMode.map { .string($0.rawValue) } ?? .null,
      "layer": forwardLayer.serialized.value, "backward_layer": backwardLayer.serialized.value,
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    func recurrent(_ key: String) throws -> RNN? {
      guard let raw = config.value(key), !raw.isNull else { return nil }
      guard let layer = try Layer.fromConfig(raw) as? RNN else {
        throw config.mismatch(key, "a serialized recurrent layer (LSTM, GRU, SimpleRNN, RNN)")
      }
      return layer
    }
    guard let layer = try recurrent("layer") else {
      throw config.mismatch("layer", "a serialized recurrent layer (LSTM, GRU, SimpleRNN, RNN)")
    }
    var mergeMode: MergeMode? = .concat
    if let raw = config.value("merge_mode") {
      if raw.isNull {
        mergeMode = nil
      } else {
        guard let mode = raw.stringValue.flatMap(MergeMode.init(rawValue:)) else {
          throw config.mismatch("merge_mode", "\"concat\", \"sum\", \"mul\", \"ave\" or null")
        }
        mergeMode = mode
      }
    }
    let bidirectional = try Bidirectional(
      layer, mergeMode: mergeMode, backwardLayer: try recurrent("backward_layer"),
      name: settings.name)
    return try settings.finish(config, bidirectional)
  }
}

extension Bidirectional: KerasAttributeNaming {
  static let kerasAttributeNames = [
    "forwardLayer": "forward_layer", "backwardLayer": "backward_layer",
  ]
}

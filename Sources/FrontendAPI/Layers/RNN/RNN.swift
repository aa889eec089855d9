/// Runs a ``RecurrentCell`` over the time axis of `(batch, timesteps, features)` inputs.
///
/// ```swift
/// let layer = RNN(LSTMCell(16), returnSequences: true)
/// let y = try layer(x)   // x: (batch, time, features) → y: (batch, time, 16)
/// ```
/// The states start at zero (or at `initialState` given to ``callWithStates(_:initialState:training:)``);
/// each step feeds the cell the input at that step and the states of the step before. The
/// output is the last step's output `(batch, units)`, or every step's `(batch, time, units)`
/// with `returnSequences`; with `goBackwards` the steps run from the last to the first and
/// the sequence is returned in that order, as Keras does. With `returnState` the layer returns
/// the output and the final states, which a call returning one tensor cannot: use
/// ``callWithStates(_:initialState:training:)``.
///
/// With a mask on the input (``Tensor/mask``, `(batch, timesteps)`: from ``Embedding`` with
/// `maskZero` or ``Masking``), a masked step keeps the states and output of the step before,
/// as Keras's; the output sequence passes the mask on. `stateful` layers are refused and
/// `unroll` is kept for the config only (the loop is always unrolled on the tape).
/// Equivalent to `keras.layers.RNN`.
public class RNN: Layer {
  /// The step, held as Keras holds it (saved weights sit at `<layer>/cell/vars`).
  public let cell: any RecurrentCell
  /// Whether every step's output is returned, not only the last.
  public let returnSequences: Bool
  /// Whether the final states are returned after the output.
  public let returnState: Bool
  /// Whether the steps run from the last to the first.
  public let goBackwards: Bool
  /// Keras's `stateful`; refused when true.
  public let stateful: Bool
  /// Keras's `unroll`; kept for the config.
  public let unroll: Bool
  /// Keras's `zero_output_for_mask` (set by ``Bidirectional`` with sequences): masked steps
  /// of the output sequence are zeros instead of the step before's output.
  public internal(set) var zeroOutputForMask: Bool

  /// Creates the layer around `cell` with `settings`.
  convenience init(_ cell: any RecurrentCell, _ settings: SequenceSettings, name: String?) {
    self.init(
      cell, returnSequences: settings.returnSequences, returnState: settings.returnState,
      goBackwards: settings.goBackwards, stateful: settings.stateful, unroll: settings.unroll,
      zeroOutputForMask: settings.zeroOutputForMask, name: name)
  }

  /// Creates the layer around `cell`.
  public init(
    _ cell: any RecurrentCell, returnSequences: Bool = false, returnState: Bool = false,
    goBackwards: Bool = false, stateful: Bool = false, unroll: Bool = false,
    zeroOutputForMask: Bool = false, name: String? = nil
  ) {
    self.cell = cell
    self.returnSequences = returnSequences
    self.returnState = returnState
    self.goBackwards = goBackwards
    self.stateful = stateful
    self.unroll = unroll
    self.zeroOutputForMask = zeroOutputForMask
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let features = buildShape.map({ $0[$0.rank - 1] }), features > 0 else {
      return InputSpec(rank: 3)
    }
    return InputSpec(rank: 3, axes: [-1: features])
  }

  /// Checks the settings a subclass's own build does not (units, dropout).
  func validateSettings() throws {}

  public override func build(inputShape: Shape) throws {
    try validateSettings()
    guard !stateful else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "stateful recurrent layers are not supported by Plexus; set stateful to false "
          + "and pass the states with callWithStates(_:initialState:training:)")
    }
    guard inputShape.rank == 3, inputShape[2] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 3, (batch, timesteps, features)",
        received: "\(inputShape)")
    }
    try cell.buildIfNeeded([Shape([inputShape[0], inputShape[2]])])
  }

  /// Reads the input's mask (masked steps keep the state and output of the step before);
  /// passes it on with `returnSequences`.
  public override var supportsMasking: Bool { true }

  public override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    returnSequences ? previousMask : nil
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard !returnState else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "return_state is set, so the layer returns the output and "
          + "\(cell.stateSize.count) states; call callWithStates(_:) to receive them all")
    }
    return try run(x, initialState: nil, training: training).output
  }

  /// What Keras's call returns, as a list: the output, then (with `returnState`) the final
  /// states (LSTM: `h`, `c`; GRU and SimpleRNN: `h`). `initialState`, when given, holds one
  /// `(batch, size)` tensor per state instead of zeros.
  public func callWithStates(
    _ x: Tensor, initialState: [Tensor]? = nil, training: Bool = false
  ) throws -> [Tensor] {
    try prepare([x])
    return try autocasting([x] + (initialState ?? [])) { cast in
      let states = initialState == nil ? nil : Array(cast.dropFirst())
      let (output, final) = try run(cast[0], initialState: states, training: training)
      // The sequence keeps the input's mask, as through a call.
      let masked = try withOutputMask(output, inputs: [cast[0]])
      return returnState ? [masked] + final : [masked]
    }
  }

  /// A graph call made by ``callWithStates(_:initialState:)``: the states given after the
  /// input, every output.
  override func applyCall(_ call: LayerCall, _ inputs: [Tensor], training: Bool) throws
    -> [Tensor]
  {
    try applyStatefulCall(inputs, training: training)
  }

  /// The loop over time steps.
  func run(_ x: Tensor, initialState: [Tensor]?, training: Bool) throws
    -> (output: Tensor, states: [Tensor])
  {
    guard x.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 3, (batch, timesteps, features)",
        received: "\(x.shape)")
    }
    let (batch, steps, features) = (x.shape[0], x.shape[1], x.shape[2])
    var states = try initialState ?? cell.zeroStates(batch: batch, dtype: x.dtype)
    let expected = cell.stateSize.map { Shape([batch, $0]) }
    guard states.map(\.shape) == expected else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) initial state", expected: "\(expected)",
        received: "\(states.map(\.shape))")
    }
    if x.mask == nil, let whole = try wholeSequence(x, states, training: training) {
      return whole
    }
    // Keras's masked steps: the states and the output stay those of the step before (the
    // output starts at zeros); with `zeroOutputForMask` the sequence holds zeros there.
    let mask = try x.mask.map { given -> Tensor in
      // Keras also takes a (batch, timesteps, 1) mask.
      let mask = given.shape == [batch, steps, 1] ? try Ops.reshape(given, [batch, steps]) : given
      guard mask.shape == [batch, steps] else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity) mask", expected: "(batch, timesteps) = (\(batch), \(steps))",
          received: "\(mask.shape)")
      }
      return try Ops.cast(mask, to: .bool)
    }
    var outputs: [Tensor] = []
    var carried: Tensor?
    var zeros: Tensor?
    for index in 0..<steps {
      let time = goBackwards ? steps - 1 - index : index
      let input = try Ops.reshape(
        Ops.slice(x, starts: [0, time, 0], sizes: [batch, 1, features]), [batch, features])
      var (output, next) = try cell.step(input, states: states, training: training)
      if let mask {
        let kept = try Ops.slice(mask, starts: [0, time], sizes: [batch, 1])
        next = try zip(next, states).map { try Ops.where(kept, $0, $1) }
        let zero = try zeros ?? Ops.zerosLike(output)
        zeros = zero
        let held = try Ops.where(kept, output, carried ?? zero)
        carried = held
        output = zeroOutputForMask ? try Ops.where(kept, output, zero) : held
      }
      states = next
      outputs.append(output)
    }
    guard var last = outputs.last else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "needs at least one time step, received input of shape \(x.shape)")
    }
    if let carried { last = carried }
    return (returnSequences ? try Ops.stack(outputs, axis: 1) : last, states)
  }

  /// An LSTM cell, or a GRU cell with `resetAfter` (Keras's default), with Keras's default
  /// activations (sigmoid gates, tanh) and no dropout in effect runs as one
  /// ``Ops/lstm(_:kernel:recurrentKernel:bias:initialOutput:initialCell:goBackwards:)`` or
  /// ``Ops/gru(_:kernel:recurrentKernel:bias:initialOutput:goBackwards:)`` over the whole
  /// sequence: one kernel each way where the backend has the recurrent family (oneDNN), where
  /// the step loop would record a dozen ops per step. Nil for any other cell, and where no
  /// backend runs the family (the op's composite would run the steps as the loop does, and its
  /// gradient would run them again under a tape).
  private func wholeSequence(_ x: Tensor, _ states: [Tensor], training: Bool) throws
    -> (output: Tensor, states: [Tensor])?
  {
    if let cell = cell as? LSTMCell, Dispatcher.anyBackendSupports(.lstm, x.dtype),
      let kernel = cell.kernel,
      let recurrentKernel = cell.recurrentKernel, cell.activation == .tanh,
      cell.recurrentActivation == .sigmoid,
      !training || (cell.options.dropout == 0 && cell.options.recurrentDropout == 0),
      states.count == 2
    {
      let (sequence, output, last) = try Ops.lstm(
        x, kernel: kernel.value, recurrentKernel: recurrentKernel.value, bias: cell.bias?.value,
        initialOutput: states[0], initialCell: states[1], goBackwards: goBackwards)
      return (returnSequences ? sequence : output, [output, last])
    }
    if let cell = cell as? GRUCell, cell.resetAfter, Dispatcher.anyBackendSupports(.gru, x.dtype),
      let kernel = cell.kernel,
      let recurrentKernel = cell.recurrentKernel, cell.activation == .tanh,
      cell.recurrentActivation == .sigmoid,
      !training || (cell.options.dropout == 0 && cell.options.recurrentDropout == 0),
      states.count == 1
    {
      let (sequence, output) = try Ops.gru(
        x, kernel: kernel.value, recurrentKernel: recurrentKernel.value, bias: cell.bias?.value,
        initialOutput: states[0], goBackwards: goBackwards)
      return (returnSequences ? sequence : output, [output])
    }
    return nil
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 3, (batch, timesteps, features)",
        received: "\(inputShapes)")
    }
    return returnSequences
      ? [shape[0], shape[1], cell.outputSize] : [shape[0], cell.outputSize]
  }

  /// The config entries every recurrent layer writes (Keras's `RNN.get_config` without the
  /// cell, which `LSTM`, `GRU` and `SimpleRNN` leave out).
  var sequenceConfig: [String: ConfigValue] {
    super.config.merging([
      "return_sequences": .bool(returnSequences), "return_state": .bool(returnState),
      "go_backwards": .bool(goBackwards), "stateful": .bool(stateful), "unroll": .bool(unroll),
      "zero_output_for_mask": .bool(zeroOutputForMask),
    ]) { $1 }
  }

  /// Keras's RNN config: the sequence settings and the serialized cell.
  public override var config: [String: ConfigValue] {
    sequenceConfig.merging(["cell": cell.serialized.value]) { $1 }
  }

  /// The sequence settings of a config, as ``sequenceConfig`` writes them.
  struct SequenceSettings {
    let returnSequences: Bool
    let returnState: Bool
    let goBackwards: Bool
    let stateful: Bool
    let unroll: Bool
    let zeroOutputForMask: Bool

    init(
      returnSequences: Bool, returnState: Bool, goBackwards: Bool, stateful: Bool, unroll: Bool,
      zeroOutputForMask: Bool = false
    ) {
      self.returnSequences = returnSequences
      self.returnState = returnState
      self.goBackwards = goBackwards
      self.stateful = stateful
      self.unroll = unroll
      self.zeroOutputForMask = zeroOutputForMask
    }

    init(_ config: ConfigReader) throws {
      returnSequences = try config.bool("return_sequences", default: false)
      returnState = try config.bool("return_state", default: false)
      goBackwards = try config.bool("go_backwards", default: false)
      stateful = try config.bool("stateful", default: false)
      unroll = try config.bool("unroll", default: false)
      zeroOutputForMask = try config.bool("zero_output_for_mask", default: false)
    }
  }

  /// Builds an RNN from Keras's config, its cell from the serialized `cell`.
  static func makeRNN(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let flags = try SequenceSettings(config)
    guard let raw = config.value("cell"),
      let cell = try Layer.fromConfig(raw) as? any RecurrentCell
    else { throw config.mismatch("cell", "a serialized recurrent cell (LSTMCell, GRUCell, ...)") }
    return try settings.finish(config, RNN(cell, flags, name: settings.name))
  }

  /// Refuses an activity regularizer, which Plexus's recurrent layers do not apply.
  static func refuseActivityRegularizer(_ config: ConfigReader) throws {
    try config.requireDefault(
      "activity_regularizer", .null,
      reason: "Plexus's recurrent layers apply no activity regularizer; add the penalty to "
        + "the loss instead")
  }
}

/// A layer whose graph calls may take initial states after the input and make several tensors
/// (``RNN`` with `returnState`, ``Bidirectional`` with `returnState` or no merge mode): the
/// Functional builder replays such nodes through ``graphCall(_:initialState:)``.
protocol StatefulGraphCall: Layer {
  /// Whether a call without states already makes several tensors.
  var makesSeveralOutputs: Bool { get }
  /// The symbolic call with `initialState` (empty for none): every output, in Keras's order.
  func graphCall(_ x: SymbolicTensor, initialState: [SymbolicTensor]) throws -> [SymbolicTensor]
  /// The concrete call: every output, in Keras's order.
  func callWithStates(_ x: Tensor, initialState: [Tensor]?, training: Bool) throws -> [Tensor]
}

extension StatefulGraphCall {
  /// ``Layer/applyCall(_:_:training:)`` of these layers: the input, then the initial states.
  func applyStatefulCall(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
    guard let x = inputs.first else {
      throw PlexusError.invalidArgument(context: "Layer \(identity)", message: "no input")
    }
    let states = Array(inputs.dropFirst())
    return try callWithStates(x, initialState: states.isEmpty ? nil : states, training: training)
  }
}

extension RNN: StatefulGraphCall {
  var makesSeveralOutputs: Bool { returnState }

  func graphCall(_ x: SymbolicTensor, initialState: [SymbolicTensor]) throws -> [SymbolicTensor] {
    try callWithStates(x, initialState: initialState.isEmpty ? nil : initialState)
  }
}

extension Bidirectional: StatefulGraphCall {
  var makesSeveralOutputs: Bool { returnState || mergeMode == nil }

  func graphCall(_ x: SymbolicTensor, initialState: [SymbolicTensor]) throws -> [SymbolicTensor] {
    try callWithStates(x, initialState: initialState.isEmpty ? nil : initialState)
  }
}

extension Layer {
  /// Checks `states` against the state sizes a recurrent call expects (`sizes`), naming this
  /// layer: one `(batch, size)` tensor per state.
  func checkInitialState(_ states: [SymbolicTensor], sizes: [Int], batch: Int) throws {
    let matches =
      states.count == sizes.count
      && zip(states, sizes).allSatisfy { $0.shape.rank == 2 && $0.shape[1] == $1 }
    guard matches else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) initial_state",
        expected: "\(sizes.count) states of shapes \(sizes.map { Shape([batch, $0]) })",
        received: "\(states.count) of shapes \(states.map(\.shape))")
    }
  }
}

extension RNN {
  /// Keras's `layer(x, initial_state=[...])` in a Functional graph, for a layer with or without
  /// `returnState`: the output, then (with `returnState`) one tensor per final state (LSTM:
  /// `h`, `c`), each of which later layers and the model's outputs may read.
  ///
  /// ```swift
  /// let encoder = LSTM(64, returnState: true)
  /// let states = try encoder.callWithStates(sourceTokens)       // [output, h, c]
  /// let decoded = try LSTM(64, returnSequences: true)(
  ///   targetTokens, initialState: Array(states.dropFirst()))
  /// ```
  public func callWithStates(_ x: SymbolicTensor, initialState: [SymbolicTensor]? = nil) throws
    -> [SymbolicTensor]
  {
    let states = initialState ?? []
    try buildIfNeeded([x.shape])
    if let spec = inputSpec { try spec.check(x.shape, layer: "Input 0 of layer \(identity)") }
    if !states.isEmpty {
      try checkInitialState(states, sizes: cell.stateSize, batch: x.shape[0])
    }
    let call = LayerCall(
      layer: self, inputs: [x] + states, stateInputs: states.count,
      outputCount: returnState ? 1 + cell.stateSize.count : 1)
    let output = SymbolicTensor(
      shape: try computeOutputShape([x.shape]), dtype: x.dtype, producer: call)
    guard returnState else { return [output] }
    return [output]
      + cell.stateSize.enumerated().map { index, size in
        SymbolicTensor(
          shape: Shape([x.shape[0], size]), dtype: x.dtype, producer: call,
          outputIndex: index + 1)
      }
  }

  /// `layer(x, initial_state=[...])` for a layer without `returnState`: the output, the
  /// states starting at `initialState` instead of zeros.
  public func callAsFunction(_ x: SymbolicTensor, initialState: [SymbolicTensor]) throws
    -> SymbolicTensor
  {
    guard !returnState else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "return_state is set, so the call makes the output and "
          + "\(cell.stateSize.count) states; use callWithStates(_:initialState:)")
    }
    return try callWithStates(x, initialState: initialState)[0]
  }
}

/// A layer that computes one time step of a recurrent layer: from the input at that step and
/// the states after the step before, the output and the new states.
///
/// ```swift
/// let cell = LSTMCell(8)
/// let (y, states) = try cell.step(x, states: [h, c], training: false)  // x: (batch, features)
/// ```
/// ``RNN`` runs a cell over the time axis. Calling a cell as a layer runs one step from zero
/// states and returns its output. Equivalent to the cell protocol of `keras.layers.RNN`.
public protocol RecurrentCell: Layer {
  /// The width of each state, in the order ``step(_:states:training:)`` takes them.
  var stateSize: [Int] { get }
  /// The width of the output of one step.
  var outputSize: Int { get }
  /// One step: `input` is `(batch, features)`, each state `(batch, stateSize[i])`. The cell
  /// must be built.
  func step(_ input: Tensor, states: [Tensor], training: Bool) throws
    -> (output: Tensor, states: [Tensor])
}

extension RecurrentCell {
  /// Zero states for a batch of `batch`, as a recurrent layer starts from.
  public func zeroStates(batch: Int, dtype: DType = .float32) throws -> [Tensor] {
    try stateSize.map { try Tensor.zeros([batch, $0], dtype: dtype) }
  }

  /// One step from zero states.
  func stepFromZero(_ x: Tensor, training: Bool) throws -> Tensor {
    guard x.rank == 2 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 2, (batch, features)",
        received: "\(x.shape)")
    }
    return try step(x, states: zeroStates(batch: x.shape[0], dtype: x.dtype), training: training)
      .output
  }
}

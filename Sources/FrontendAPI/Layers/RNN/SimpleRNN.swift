/// A fully connected recurrent layer: ``SimpleRNNCell`` run over the time axis,
/// `h_t = act(x_t · kernel + bias + h_{t−1} · recurrentKernel)`.
///
/// ```swift
/// let layer = SimpleRNN(32)
/// let y = try layer(x)   // x: (batch, time, features) → y: (batch, 32)
/// ```
/// Input `(batch, timesteps, features)`; output `(batch, units)`, or `(batch, timesteps,
/// units)` with `returnSequences`; with `returnState`, ``RNN/callWithStates(_:initialState:training:)``
/// also returns the final `h`. The weights live in ``RNN/cell`` (Keras's
/// `simple_rnn/cell/vars`). `dropout`, `recurrentDropout` other than 0 and `stateful` are
/// refused at build. Equivalent to `keras.layers.SimpleRNN`.
public final class SimpleRNN: RNN {
  /// The width of the output and of the state.
  public let units: Int
  let options: RecurrentCellOptions

  /// Creates the layer; weights are made at the first call. Keras's SimpleRNN writes no seed.
  public init(
    _ units: Int, activation: ActivationFunction = .tanh, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, recurrentRegularizer: (any Regularizer)? = nil,
    biasRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    recurrentConstraint: (any Constraint)? = nil, biasConstraint: (any Constraint)? = nil,
    dropout: Double = 0, recurrentDropout: Double = 0, returnSequences: Bool = false,
    returnState: Bool = false, goBackwards: Bool = false, stateful: Bool = false,
    unroll: Bool = false, name: String? = nil
  ) {
    let cell = SimpleRNNCell(
      units, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
      recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, recurrentRegularizer: recurrentRegularizer,
      biasRegularizer: biasRegularizer, kernelConstraint: kernelConstraint,
      recurrentConstraint: recurrentConstraint, biasConstraint: biasConstraint,
      dropout: dropout, recurrentDropout: recurrentDropout, name: "simple_rnn_cell")
    self.units = units
    self.options = cell.options
    super.init(
      cell, returnSequences: returnSequences, returnState: returnState,
      goBackwards: goBackwards, stateful: stateful, unroll: unroll, name: name)
  }

  init(cell: SimpleRNNCell, _ settings: SequenceSettings, name: String?) {
    self.units = cell.units
    self.options = cell.options
    super.init(
      cell, returnSequences: settings.returnSequences, returnState: settings.returnState,
      goBackwards: settings.goBackwards, stateful: settings.stateful, unroll: settings.unroll,
      zeroOutputForMask: settings.zeroOutputForMask, name: name)
  }

  /// Applied to the new state.
  public var activation: ActivationFunction { options.activation }
  /// Whether a bias is added.
  public var useBias: Bool { options.useBias }

  override func validateSettings() throws {
    try options.validate(units: units, layer: identity)
  }

  /// Keras's SimpleRNN config: the sequence settings and the cell's (no seed), without the
  /// cell itself.
  public override var config: [String: ConfigValue] {
    sequenceConfig.merging(options.config(gated: false, seeded: false)) { $1 }.merging([
      "units": .int(units), "activity_regularizer": .null,
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let flags = try SequenceSettings(config)
    try refuseActivityRegularizer(config)
    let cell = try SimpleRNNCell.read(
      config, name: "simple_rnn_cell", layer: "'\(settings.name ?? "simple_rnn")' (SimpleRNN)",
      seeded: false)
    return try settings.finish(config, SimpleRNN(cell: cell, flags, name: settings.name))
  }
}

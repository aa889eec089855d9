/// A long short-term memory layer: ``LSTMCell`` run over the time axis.
///
/// ```swift
/// let layer = LSTM(32, returnSequences: true)
/// let y = try layer(x)   // x: (batch, time, features) → y: (batch, time, 32)
/// ```
/// Input `(batch, timesteps, features)`; output `(batch, units)`, or `(batch, timesteps,
/// units)` with `returnSequences`; with `returnState`, ``RNN/callWithStates(_:initialState:training:)``
/// also returns the final `h` and `c`. The weights live in ``RNN/cell`` (Keras's
/// `lstm/cell/vars`: kernel, recurrent kernel, bias, gates in the order `i, f, c, o`), so Keras
/// weights load unchanged. `dropout`, `recurrentDropout` other than 0 and `stateful` are
/// refused at build. Equivalent to `keras.layers.LSTM`.
public final class LSTM: RNN {
  /// The width of the output and of each state.
  public let units: Int
  /// Whether the forget gate's bias starts at one.
  public let unitForgetBias: Bool
  let options: RecurrentCellOptions

  /// Creates the layer; weights are made at the first call.
  public init(
    _ units: Int, activation: ActivationFunction = .tanh,
    recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
    unitForgetBias: Bool = true, kernelRegularizer: (any Regularizer)? = nil,
    recurrentRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    kernelConstraint: (any Constraint)? = nil, recurrentConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, dropout: Double = 0, recurrentDropout: Double = 0,
    seed: Int? = nil, returnSequences: Bool = false, returnState: Bool = false,
    goBackwards: Bool = false, stateful: Bool = false, unroll: Bool = false, name: String? = nil
  ) {
    let cell = LSTMCell(
      units, activation: activation, recurrentActivation: recurrentActivation, useBias: useBias,
      kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer,
      biasInitializer: biasInitializer, unitForgetBias: unitForgetBias,
      kernelRegularizer: kernelRegularizer, recurrentRegularizer: recurrentRegularizer,
      biasRegularizer: biasRegularizer, kernelConstraint: kernelConstraint,
      recurrentConstraint: recurrentConstraint, biasConstraint: biasConstraint,
      dropout: dropout, recurrentDropout: recurrentDropout, seed: seed, name: "lstm_cell")
    self.units = units
    self.unitForgetBias = unitForgetBias
    self.options = cell.options
    super.init(
      cell, returnSequences: returnSequences, returnState: returnState,
      goBackwards: goBackwards, stateful: stateful, unroll: unroll, name: name)
  }

  init(cell: LSTMCell, _ settings: SequenceSettings, name: String?) {
    self.units = cell.units
    self.unitForgetBias = cell.unitForgetBias
    self.options = cell.options
    super.init(
      cell, returnSequences: settings.returnSequences, returnState: settings.returnState,
      goBackwards: settings.goBackwards, stateful: settings.stateful, unroll: settings.unroll,
      zeroOutputForMask: settings.zeroOutputForMask, name: name)
  }

  /// Applied to the candidate and to the cell state before the output gate.
  public var activation: ActivationFunction { options.activation }
  /// Applied to the input, forget and output gates.
  public var recurrentActivation: ActivationFunction { options.recurrentActivation }
  /// Whether a bias is added.
  public var useBias: Bool { options.useBias }

  override func validateSettings() throws {
    try options.validate(units: units, layer: identity)
  }

  /// Keras's LSTM config: the sequence settings and the cell's, without the cell itself.
  public override var config: [String: ConfigValue] {
    sequenceConfig.merging(options.config(gated: true, seeded: true)) { $1 }.merging([
      "units": .int(units), "unit_forget_bias": .bool(unitForgetBias),
      "activity_regularizer": .null,
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let flags = try SequenceSettings(config)
    try refuseActivityRegularizer(config)
    let cell = try LSTMCell.read(
      config, name: "lstm_cell", layer: "'\(settings.name ?? "lstm")' (LSTM)")
    return try settings.finish(config, LSTM(cell: cell, flags, name: settings.name))
  }
}

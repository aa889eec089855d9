/// A gated recurrent unit layer: ``GRUCell`` run over the time axis.
///
/// ```swift
/// let layer = GRU(32, returnSequences: true)
/// let y = try layer(x)   // x: (batch, time, features) → y: (batch, time, 32)
/// ```
/// Input `(batch, timesteps, features)`; output `(batch, units)`, or `(batch, timesteps,
/// units)` with `returnSequences`; with `returnState`, ``RNN/callWithStates(_:initialState:training:)``
/// also returns the final `h`. The weights live in ``RNN/cell`` (Keras's `gru/cell/vars`:
/// kernel, recurrent kernel, bias, gates in the order `z, r, h`), so Keras weights load
/// unchanged. `dropout`, `recurrentDropout` other than 0 and `stateful` are refused at build.
/// Equivalent to `keras.layers.GRU`.
public final class GRU: RNN {
  /// The width of the output and of the state.
  public let units: Int
  /// Whether the reset gate applies after the recurrent projection (Keras's default).
  public let resetAfter: Bool
  let options: RecurrentCellOptions

  /// Creates the layer; weights are made at the first call.
  public init(
    _ units: Int, activation: ActivationFunction = .tanh,
    recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, recurrentRegularizer: (any Regularizer)? = nil,
    biasRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    recurrentConstraint: (any Constraint)? = nil, biasConstraint: (any Constraint)? = nil,
    dropout: Double = 0, recurrentDropout: Double = 0, seed: Int? = nil,
    returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
    stateful: Bool = false, unroll: Bool = false, resetAfter: Bool = true, name: String? = nil
  ) {
    let cell = GRUCell(
      units, activation: activation, recurrentActivation: recurrentActivation, useBias: useBias,
      kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer,
      biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
      recurrentRegularizer: recurrentRegularizer, biasRegularizer: biasRegularizer,
      kernelConstraint: kernelConstraint, recurrentConstraint: recurrentConstraint,
      biasConstraint: biasConstraint, dropout: dropout, recurrentDropout: recurrentDropout,
      resetAfter: resetAfter, seed: seed, name: "gru_cell")
    self.units = units
    self.resetAfter = resetAfter
    self.options = cell.options
    super.init(
      cell, returnSequences: returnSequences, returnState: returnState,
      goBackwards: goBackwards, stateful: stateful, unroll: unroll, name: name)
  }

  init(cell: GRUCell, _ settings: SequenceSettings, name: String?) {
    self.units = cell.units
    self.resetAfter = cell.resetAfter
    self.options = cell.options
    super.init(
      cell, returnSequences: settings.returnSequences, returnState: settings.returnState,
      goBackwards: settings.goBackwards, stateful: settings.stateful, unroll: settings.unroll,
      zeroOutputForMask: settings.zeroOutputForMask, name: name)
  }

  /// Applied to the candidate.
  public var activation: ActivationFunction { options.activation }
  /// Applied to the update and reset gates.
  public var recurrentActivation: ActivationFunction { options.recurrentActivation }
  /// Whether a bias is added.
  public var useBias: Bool { options.useBias }

  override func validateSettings() throws {
    try options.validate(units: units, layer: identity)
  }

  /// Keras's GRU config: the sequence settings and the cell's, without the cell itself.
  public override var config: [String: ConfigValue] {
    sequenceConfig.merging(options.config(gated: true, seeded: true)) { $1 }.merging([
      "units": .int(units), "reset_after": .bool(resetAfter), "activity_regularizer": .null,
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let flags = try SequenceSettings(config)
    try refuseActivityRegularizer(config)
    let cell = try GRUCell.read(
      config, name: "gru_cell", layer: "'\(settings.name ?? "gru")' (GRU)")
    return try settings.finish(config, GRU(cell: cell, flags, name: settings.name))
  }
}

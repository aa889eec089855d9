/// One step of a long short-term memory layer.
///
/// With `z = x · kernel + h · recurrentKernel + bias` split into four blocks in Keras's gate
/// order `i, f, c, o`:
/// `c' = σ(z_f) ⊙ c + σ(z_i) ⊙ act(z_c)`, `h' = σ(z_o) ⊙ act(c')`, where σ is the recurrent
/// activation and `act` the activation; the output is `h'`, the states `[h', c']`.
/// ```swift
/// let (y, states) = try LSTMCell(8).step(x, states: [h, c], training: false)
/// ```
/// Input `(batch, features)`; kernel `(features, 4·units)`, recurrent kernel
/// `(units, 4·units)`, bias `(4·units)` (the forget block starts at one with
/// `unitForgetBias`). Equivalent to `keras.layers.LSTMCell`.
public final class LSTMCell: Layer, RecurrentCell {
  /// The width of the output and of each state.
  public let units: Int
  /// Whether the forget gate's bias starts at one.
  public let unitForgetBias: Bool
  let options: RecurrentCellOptions

  /// The `(features, 4·units)` input kernel, once built.
  public private(set) var kernel: Variable?
  /// The `(units, 4·units)` recurrent kernel, once built.
  public private(set) var recurrentKernel: Variable?
  /// The `(4·units)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the cell; weights are made at the first call.
  public convenience init(
    _ units: Int, activation: ActivationFunction = .tanh,
    recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
    unitForgetBias: Bool = true, kernelRegularizer: (any Regularizer)? = nil,
    recurrentRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    kernelConstraint: (any Constraint)? = nil, recurrentConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, dropout: Double = 0, recurrentDropout: Double = 0,
    seed: Int? = nil, name: String? = nil
  ) {
    let options = RecurrentCellOptions(
      activation: activation, recurrentActivation: recurrentActivation, useBias: useBias,
      kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer,
      biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
      recurrentRegularizer: recurrentRegularizer, biasRegularizer: biasRegularizer,
      kernelConstraint: kernelConstraint, recurrentConstraint: recurrentConstraint,
      biasConstraint: biasConstraint, dropout: dropout, recurrentDropout: recurrentDropout,
      seed: seed)
    self.init(units, unitForgetBias: unitForgetBias, options: options, name: name)
  }

  init(_ units: Int, unitForgetBias: Bool, options: RecurrentCellOptions, name: String?) {
    self.units = units
    self.unitForgetBias = unitForgetBias
    self.options = options
    super.init(name: name)
  }

  /// Applied to the candidate and to the cell state before the output gate.
  public var activation: ActivationFunction { options.activation }
  /// Applied to the input, forget and output gates.
  public var recurrentActivation: ActivationFunction { options.recurrentActivation }
  /// Whether a bias is added.
  public var useBias: Bool { options.useBias }

  public var stateSize: [Int] { [units, units] }
  public var outputSize: Int { units }

  public override var inputSpec: InputSpec? {
    guard let kernel else { return InputSpec(rank: 2) }
    return InputSpec(rank: 2, axes: [-1: kernel.shape[0]])
  }

  public override func build(inputShape: Shape) throws {
    (kernel, recurrentKernel) = try options.addKernels(
      to: self, inputShape: inputShape, units: units, gates: 4)
    guard let bias = try options.addBias(to: self, shape: [4 * units]) else { return }
    if unitForgetBias {
      // Keras's initial bias: the initializer's values with the forget block set to one.
      try bias.assign(
        Ops.concatenate([
          options.biasInitializer([units]), Tensor.ones([units]),
          options.biasInitializer([2 * units]),
        ]))
    }
    self.bias = bias
  }

  public func step(_ input: Tensor, states: [Tensor], training: Bool) throws
    -> (output: Tensor, states: [Tensor])
  {
    guard let kernel, let recurrentKernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    try RecurrentCellOptions.checkStep(
      input, states: states, sizes: stateSize, features: kernel.shape[0], layer: identity)
    var z = try Ops.add(
      Ops.matmul(input, kernel.value), Ops.matmul(states[0], recurrentKernel.value))
    if let bias { z = try Ops.add(z, bias.value) }
    let gates = try (0..<4).map { try RecurrentCellOptions.gate(z, $0, width: units) }
    let inputGate = try recurrentActivation(gates[0])
    let forgetGate = try recurrentActivation(gates[1])
    let candidate = try activation(gates[2])
    let outputGate = try recurrentActivation(gates[3])
    let c = try Ops.add(
      Ops.multiply(forgetGate, states[1]), Ops.multiply(inputGate, candidate))
    let h = try Ops.multiply(outputGate, activation(c))
    return (h, [h, c])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try stepFromZero(x, training: training)
  }

  /// The entries Keras's LSTMCell and LSTM share.
  var settingsConfig: [String: ConfigValue] {
    options.config(gated: true, seeded: true).merging([
      "units": .int(units), "unit_forget_bias": .bool(unitForgetBias),
    ]) { $1 }
  }

  /// Keras's LSTMCell config.
  public override var config: [String: ConfigValue] {
    super.config.merging(settingsConfig) { $1 }
  }

  /// Reads what ``settingsConfig`` writes; `name` is the cell's, errors name `layer`.
  static func read(_ config: ConfigReader, name: String?, layer: String) throws -> LSTMCell {
    let units = try config.int("units")
    let options = try RecurrentCellOptions(config, gated: true, seeded: true)
    try options.validate(units: units, layer: layer)
    return LSTMCell(
      units, unitForgetBias: try config.bool("unit_forget_bias", default: true),
      options: options, name: name)
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let layer = "'\(settings.name ?? "lstm_cell")' (LSTMCell)"
    return try settings.finish(config, read(config, name: settings.name, layer: layer))
  }
}

extension LSTMCell: RegularizedLayer {
  /// The kernel, recurrent kernel and bias penalties.
  public var regularizationLosses: [Tensor] {
    get throws {
      try options.penalties(kernel: kernel, recurrentKernel: recurrentKernel, bias: bias)
    }
  }
}

/// One step of a fully connected recurrent layer:
/// `h' = act(x · kernel + bias + h · recurrentKernel)`, the output and the one state.
///
/// ```swift
/// let (y, states) = try SimpleRNNCell(8).step(x, states: [h], training: false)
/// ```
/// Input `(batch, features)`; kernel `(features, units)`, recurrent kernel `(units, units)`,
/// bias `(units)`. Equivalent to `keras.layers.SimpleRNNCell`.
public final class SimpleRNNCell: Layer, RecurrentCell {
  /// The width of the output and of the state.
  public let units: Int
  let options: RecurrentCellOptions

  /// The `(features, units)` input kernel, once built.
  public private(set) var kernel: Variable?
  /// The `(units, units)` recurrent kernel, once built.
  public private(set) var recurrentKernel: Variable?
  /// The `(units)` bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the cell; weights are made at the first call.
  public convenience init(
    _ units: Int, activation: ActivationFunction = .tanh, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, recurrentRegularizer: (any Regularizer)? = nil,
    biasRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    recurrentConstraint: (any Constraint)? = nil, biasConstraint: (any Constraint)? = nil,
    dropout: Double = 0, recurrentDropout: Double = 0, seed: Int? = nil, name: String? = nil
  ) {
    let options = RecurrentCellOptions(
      activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
      recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, recurrentRegularizer: recurrentRegularizer,
      biasRegularizer: biasRegularizer, kernelConstraint: kernelConstraint,
      recurrentConstraint: recurrentConstraint, biasConstraint: biasConstraint, dropout: dropout,
      recurrentDropout: recurrentDropout, seed: seed)
    self.init(units, options: options, name: name)
  }

  init(_ units: Int, options: RecurrentCellOptions, name: String?) {
    self.units = units
    self.options = options
    super.init(name: name)
  }

  /// Applied to the new state.
  public var activation: ActivationFunction { options.activation }
  /// Whether a bias is added.
  public var useBias: Bool { options.useBias }

  public var stateSize: [Int] { [units] }
  public var outputSize: Int { units }

  public override var inputSpec: InputSpec? {
    guard let kernel else { return InputSpec(rank: 2) }
    return InputSpec(rank: 2, axes: [-1: kernel.shape[0]])
  }

  public override func build(inputShape: Shape) throws {
    (kernel, recurrentKernel) = try options.addKernels(
      to: self, inputShape: inputShape, units: units, gates: 1)
    bias = try options.addBias(to: self, shape: [units])
  }

  public func step(_ input: Tensor, states: [Tensor], training: Bool) throws
    -> (output: Tensor, states: [Tensor])
  {
    guard let kernel, let recurrentKernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    try RecurrentCellOptions.checkStep(
      input, states: states, sizes: stateSize, features: kernel.shape[0], layer: identity)
    var z = try Ops.matmul(input, kernel.value)
    if let bias { z = try Ops.add(z, bias.value) }
    let h = try activation(Ops.add(z, Ops.matmul(states[0], recurrentKernel.value)))
    return (h, [h])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try stepFromZero(x, training: training)
  }

  /// Keras's SimpleRNNCell config.
  public override var config: [String: ConfigValue] {
    super.config.merging(options.config(gated: false, seeded: true)) { $1 }.merging([
      "units": .int(units)
    ]) { $1 }
  }

  /// Reads the cell's settings from a SimpleRNNCell or SimpleRNN config (which has no seed);
  /// `name` is the cell's, errors name `layer`.
  static func read(_ config: ConfigReader, name: String?, layer: String, seeded: Bool) throws
    -> SimpleRNNCell
  {
    let units = try config.int("units")
    let options = try RecurrentCellOptions(config, gated: false, seeded: seeded)
    try options.validate(units: units, layer: layer)
    return SimpleRNNCell(units, options: options, name: name)
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let layer = "'\(settings.name ?? "simple_rnn_cell")' (SimpleRNNCell)"
    return try settings.finish(
      config, read(config, name: settings.name, layer: layer, seeded: true))
  }
}

extension SimpleRNNCell: RegularizedLayer {
  /// The kernel, recurrent kernel and bias penalties.
  public var regularizationLosses: [Tensor] {
    get throws {
      try options.penalties(kernel: kernel, recurrentKernel: recurrentKernel, bias: bias)
    }
  }
}

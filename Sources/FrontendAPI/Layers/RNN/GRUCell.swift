/// One step of a gated recurrent unit layer.
///
/// With the input projection `x · kernel (+ input bias)` and the recurrent one
/// `h · recurrentKernel (+ recurrent bias)` split into blocks in Keras's gate order `z, r, h`:
/// `z = σ(x_z + h_z)`, `r = σ(x_r + h_r)`, and the candidate
/// `ĥ = act(x_h + r ⊙ (h · U_h + b_h))` with `resetAfter` (the default, cuDNN's form) or
/// `ĥ = act(x_h + (r ⊙ h) · U_h)` without; `h' = z ⊙ h + (1 − z) ⊙ ĥ`, the output and the
/// one state.
/// ```swift
/// let (y, states) = try GRUCell(8).step(x, states: [h], training: false)
/// ```
/// Input `(batch, features)`; kernel `(features, 3·units)`, recurrent kernel
/// `(units, 3·units)`, bias `(2, 3·units)` (input and recurrent rows) with `resetAfter`,
/// `(3·units)` without. Equivalent to `keras.layers.GRUCell`.
public final class GRUCell: Layer, RecurrentCell {
  /// The width of the output and of the state.
  public let units: Int
  /// Whether the reset gate applies after the recurrent projection (Keras's default).
  public let resetAfter: Bool
  let options: RecurrentCellOptions

  /// The `(features, 3·units)` input kernel, once built.
  public private(set) var kernel: Variable?
  /// The `(units, 3·units)` recurrent kernel, once built.
  public private(set) var recurrentKernel: Variable?
  /// The bias, once built (nil without `useBias`).
  public private(set) var bias: Variable?

  /// Creates the cell; weights are made at the first call.
  public convenience init(
    _ units: Int, activation: ActivationFunction = .tanh,
    recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, recurrentRegularizer: (any Regularizer)? = nil,
    biasRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    recurrentConstraint: (any Constraint)? = nil, biasConstraint: (any Constraint)? = nil,
    dropout: Double = 0, recurrentDropout: Double = 0, resetAfter: Bool = true,
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
    self.init(units, resetAfter: resetAfter, options: options, name: name)
  }

  init(_ units: Int, resetAfter: Bool, options: RecurrentCellOptions, name: String?) {
    self.units = units
    self.resetAfter = resetAfter
    self.options = options
    super.init(name: name)
  }

  /// Applied to the candidate.
  public var activation: ActivationFunction { options.activation }
  /// Applied to the update and reset gates.
  public var recurrentActivation: ActivationFunction { options.recurrentActivation }
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
      to: self, inputShape: inputShape, units: units, gates: 3)
    bias = try options.addBias(to: self, shape: resetAfter ? [2, 3 * units] : [3 * units])
  }

  public func step(_ input: Tensor, states: [Tensor], training: Bool) throws
    -> (output: Tensor, states: [Tensor])
  {
    guard let kernel, let recurrentKernel else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    try RecurrentCellOptions.checkStep(
      input, states: states, sizes: stateSize, features: kernel.shape[0], layer: identity)
    let h = states[0]
    let width = 3 * units
    var inputBias: Tensor?
    var recurrentBias: Tensor?
    if let bias {
      if resetAfter {
        inputBias = try Ops.reshape(
          Ops.slice(bias.value, starts: [0, 0], sizes: [1, width]), [width])
        recurrentBias = try Ops.reshape(
          Ops.slice(bias.value, starts: [1, 0], sizes: [1, width]), [width])
      } else {
        inputBias = bias.value
      }
    }
    var projected = try Ops.matmul(input, kernel.value)
    if let inputBias { projected = try Ops.add(projected, inputBias) }
    let x = try (0..<3).map { try RecurrentCellOptions.gate(projected, $0, width: units) }
    let candidateInput: Tensor
    let z: Tensor
    if resetAfter {
      var inner = try Ops.matmul(h, recurrentKernel.value)
      if let recurrentBias { inner = try Ops.add(inner, recurrentBias) }
      let r = try (0..<3).map { try RecurrentCellOptions.gate(inner, $0, width: units) }
      z = try recurrentActivation(Ops.add(x[0], r[0]))
      let reset = try recurrentActivation(Ops.add(x[1], r[1]))
      candidateInput = try Ops.add(x[2], Ops.multiply(reset, r[2]))
    } else {
      let gatesKernel = try Ops.slice(
        recurrentKernel.value, starts: [0, 0], sizes: [units, 2 * units])
      let candidateKernel = try Ops.slice(
        recurrentKernel.value, starts: [0, 2 * units], sizes: [units, units])
      let inner = try Ops.matmul(h, gatesKernel)
      z = try recurrentActivation(
        Ops.add(x[0], RecurrentCellOptions.gate(inner, 0, width: units)))
      let reset = try recurrentActivation(
        Ops.add(x[1], RecurrentCellOptions.gate(inner, 1, width: units)))
      candidateInput = try Ops.add(x[2], Ops.matmul(Ops.multiply(reset, h), candidateKernel))
    }
    let candidate = try activation(candidateInput)
    // h' = z ⊙ h + (1 − z) ⊙ ĥ, written as ĥ + z ⊙ (h − ĥ).
    let next = try Ops.add(candidate, Ops.multiply(z, Ops.subtract(h, candidate)))
    return (next, [next])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try stepFromZero(x, training: training)
  }

  /// Keras's GRUCell config.
  public override var config: [String: ConfigValue] {
    super.config.merging(options.config(gated: true, seeded: true)) { $1 }.merging([
      "units": .int(units), "reset_after": .bool(resetAfter),
    ]) { $1 }
  }

  /// Reads the cell's settings from a GRUCell or GRU config; `name` is the cell's, errors
  /// name `layer`.
  static func read(_ config: ConfigReader, name: String?, layer: String) throws -> GRUCell {
    let units = try config.int("units")
    let options = try RecurrentCellOptions(config, gated: true, seeded: true)
    try options.validate(units: units, layer: layer)
    return GRUCell(
      units, resetAfter: try config.bool("reset_after", default: true), options: options,
      name: name)
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let layer = "'\(settings.name ?? "gru_cell")' (GRUCell)"
    return try settings.finish(config, read(config, name: settings.name, layer: layer))
  }
}

extension GRUCell: RegularizedLayer {
  /// The kernel, recurrent kernel and bias penalties.
  public var regularizationLosses: [Tensor] {
    get throws {
      try options.penalties(kernel: kernel, recurrentKernel: recurrentKernel, bias: bias)
    }
  }
}

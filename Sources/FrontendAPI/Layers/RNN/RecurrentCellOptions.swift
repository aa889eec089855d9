/// The settings Keras's `SimpleRNNCell`, `LSTMCell` and `GRUCell` share — and so `SimpleRNN`,
/// `LSTM` and `GRU`, which pass them on to their cell — with their config entries and the
/// factory's reading of them, so that each is spelled once. The memberwise initializer takes
/// them in this order, each defaulting to Keras's value.
struct RecurrentCellOptions {
  var activation: ActivationFunction = .tanh
  /// Unused by SimpleRNN's cell, which has no gates.
  var recurrentActivation: ActivationFunction = .sigmoid
  var useBias = true
  var kernelInitializer: Initializer = .glorotUniform
  var recurrentInitializer: Initializer = .orthogonal()
  var biasInitializer: Initializer = .zeros
  var kernelRegularizer: (any Regularizer)?
  var recurrentRegularizer: (any Regularizer)?
  var biasRegularizer: (any Regularizer)?
  var kernelConstraint: (any Constraint)?
  var recurrentConstraint: (any Constraint)?
  var biasConstraint: (any Constraint)?
  var dropout = 0.0
  var recurrentDropout = 0.0
  var seed: Int?

  /// Keras's config entries for these settings; `gated` adds `recurrent_activation`, `seeded`
  /// the `seed` (Keras's SimpleRNN layer writes none).
  func config(gated: Bool, seeded: Bool) -> [String: ConfigValue] {
    var result: [String: ConfigValue] = [
      "activation": activation.layerConfigValue, "use_bias": .bool(useBias),
      "kernel_initializer": kernelInitializer.serialized.value,
      "recurrent_initializer": recurrentInitializer.serialized.value,
      "bias_initializer": biasInitializer.serialized.value,
      "kernel_regularizer": .optional(kernelRegularizer?.serialized.value),
      "recurrent_regularizer": .optional(recurrentRegularizer?.serialized.value),
      "bias_regularizer": .optional(biasRegularizer?.serialized.value),
      "kernel_constraint": .optional(kernelConstraint?.serialized.value),
      "recurrent_constraint": .optional(recurrentConstraint?.serialized.value),
      "bias_constraint": .optional(biasConstraint?.serialized.value),
      "dropout": .double(dropout), "recurrent_dropout": .double(recurrentDropout),
    ]
    if gated { result["recurrent_activation"] = recurrentActivation.layerConfigValue }
    if seeded { result["seed"] = .optional(seed) }
    return result
  }
}

extension RecurrentCellOptions {
  /// Reads the entries ``config(gated:seeded:)`` writes.
  init(_ config: ConfigReader, gated: Bool, seeded: Bool) throws {
    activation = try config.activation()
    if gated {
      recurrentActivation =
        config.contains("recurrent_activation")
        ? try config.activation("recurrent_activation") : .sigmoid
    }
    useBias = try config.bool("use_bias", default: true)
    kernelInitializer = try config.initializer("kernel_initializer", default: .glorotUniform)
    recurrentInitializer = try config.initializer(
      "recurrent_initializer", default: .orthogonal())
    biasInitializer = try config.initializer("bias_initializer", default: .zeros)
    kernelRegularizer = try config.regularizer("kernel_regularizer")
    recurrentRegularizer = try config.regularizer("recurrent_regularizer")
    biasRegularizer = try config.regularizer("bias_regularizer")
    kernelConstraint = try config.constraint("kernel_constraint")
    recurrentConstraint = try config.constraint("recurrent_constraint")
    biasConstraint = try config.constraint("bias_constraint")
    dropout = try config.double("dropout", default: 0)
    recurrentDropout = try config.double("recurrent_dropout", default: 0)
    if seeded || config.contains("seed") { seed = try config.optionalInt("seed") }
    if !config.contains("activation") { activation = .tanh }
  }

  /// Refuses settings Plexus cannot honour, naming `layer`.
  func validate(units: Int, layer: String) throws {
    guard units > 0, units <= 1 << 24 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(layer)",
        message: "units must be in 1...\(1 << 24), received \(units)")
    }
    for (key, rate) in [("dropout", dropout), ("recurrent_dropout", recurrentDropout)] {
      guard rate.isFinite, (0..<1).contains(rate) else {
        throw PlexusError.invalidArgument(
          context: "Layer \(layer)", message: "\(key) must be in [0, 1), received \(rate)")
      }
      guard rate == 0 else {
        throw PlexusError.invalidArgument(
          context: "Layer \(layer)",
          message: "\(key) \(rate) is not supported by Plexus's recurrent layers yet; set it to "
            + "0 and put a Dropout layer before or after the recurrent layer instead")
      }
    }
  }

  /// Checks the settings and the `(batch, features)` input of `cell`, then adds its kernel
  /// `(features, gates·units)` and recurrent kernel `(units, gates·units)` with their
  /// constraints.
  func addKernels(to cell: Layer, inputShape: Shape, units: Int, gates: Int) throws
    -> (kernel: Variable, recurrentKernel: Variable)
  {
    try validate(units: units, layer: cell.identity)
    guard inputShape.rank == 2, inputShape[1] > 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(cell.identity)", expected: "rank 2, (batch, features)",
        received: "\(inputShape)")
    }
    let kernel = try cell.addWeight(
      name: "kernel", shape: [inputShape[1], gates * units], initializer: kernelInitializer)
    kernel.constraint = kernelConstraint
    let recurrentKernel = try cell.addWeight(
      name: "recurrent_kernel", shape: [units, gates * units], initializer: recurrentInitializer)
    recurrentKernel.constraint = recurrentConstraint
    return (kernel, recurrentKernel)
  }

  /// Adds the bias of `shape` to `cell` with its constraint, or nothing without `useBias`.
  func addBias(to cell: Layer, shape: Shape) throws -> Variable? {
    guard useBias else { return nil }
    let bias = try cell.addWeight(name: "bias", shape: shape, initializer: biasInitializer)
    bias.constraint = biasConstraint
    return bias
  }

  /// The kernel penalties of a built cell.
  func penalties(kernel: Variable?, recurrentKernel: Variable?, bias: Variable?) throws
    -> [Tensor]
  {
    var result: [Tensor] = []
    if let kernelRegularizer, let kernel { result.append(try kernelRegularizer(kernel.value)) }
    if let recurrentRegularizer, let recurrentKernel {
      result.append(try recurrentRegularizer(recurrentKernel.value))
    }
    if let biasRegularizer, let bias { result.append(try biasRegularizer(bias.value)) }
    return result
  }

  /// Columns `index·width ..< (index+1)·width` of the `(batch, n)` matrix `z`: one gate's
  /// pre-activation, in Keras's gate order.
  static func gate(_ z: Tensor, _ index: Int, width: Int) throws -> Tensor {
    try Ops.slice(z, starts: [0, index * width], sizes: [z.shape[0], width])
  }

  /// Checks that `input` is `(batch, features)` and `states` are `(batch, size)` each.
  static func checkStep(
    _ input: Tensor, states: [Tensor], sizes: [Int], features: Int, layer: String
  ) throws {
    guard input.rank == 2, input.shape[1] == features else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(layer) step", expected: "(batch, \(features))",
        received: "\(input.shape)")
    }
    let expected = sizes.map { Shape([input.shape[0], $0]) }
    guard states.map(\.shape) == expected else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(layer) states", expected: "\(expected)",
        received: "\(states.map(\.shape))")
    }
  }
}

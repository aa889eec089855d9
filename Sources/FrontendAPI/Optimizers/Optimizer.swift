/// The base of every optimizer: it owns iteration counting, gradient clipping, decoupled weight
/// decay, the per-variable slots and the choice between fused kernels and composites.
///
/// A subclass overrides two things: ``slotNames`` (the state it keeps per variable, created as
/// zeros at the first ``apply(_:to:)``) and ``update(_:gradient:slots:learningRate:step:)`` (the
/// update of one variable).
///
/// ```swift
/// let optimizer = Adam(learningRate: 1e-3)
/// let gradients = try tape.gradient(of: loss, wrt: model.trainableVariables)
/// try optimizer.apply(gradients, to: model.trainableVariables)
/// ```
///
/// Not `Sendable`: it belongs to one training loop, and the compiler keeps it in one task at a
/// time (subclasses need no annotation). Equivalent to `keras.optimizers.Optimizer`.
open class Optimizer {
  /// The name used in configs and by ``named(_:)`` (`"adam"`, `"sgd"`).
  public let name: String
  /// The step size; may be changed between steps (by a callback, say).
  public var learningRate: Double
  /// The number of steps applied so far. Equivalent to `optimizer.iterations`.
  public internal(set) var iterations: Int = 0
  /// When set, each gradient is rescaled so that its L2 norm is at most this value.
  public var clipnorm: Double?
  /// When set, each gradient element is clipped to `[-clipvalue, clipvalue]`.
  public var clipvalue: Double?
  /// When set, all gradients are rescaled together so that their joint L2 norm is at most this.
  public var globalClipnorm: Double?
  /// When set, each variable first loses `variable * weightDecay * learningRate` (decoupled
  /// weight decay, as AdamW defines it).
  public var weightDecay: Double?

  /// Whether updates may use a backend's fused kernels; tests turn it off to run the composite
  /// (the oracle the fused kernels are checked against).
  var useFusedKernels = true

  /// The per-step scalar inputs last made by ``stepInputs(learningRate:step:)``.
  private var stepInputCache: (rate: Double, step: Int, buffers: (TensorBuffer, TensorBuffer))?

  private struct SlotEntry {
    weak var owner: Variable?
    let slots: [Variable]
  }
  private var slotTable: [ObjectIdentifier: SlotEntry] = [:]
  private var slotOrder: [Variable] = []

  /// Creates an optimizer; the clipping options are mutually exclusive, as in Keras.
  public init(
    learningRate: Double, name: String, weightDecay: Double? = nil, clipnorm: Double? = nil,
    clipvalue: Double? = nil, globalClipnorm: Double? = nil
  ) {
    self.name = name
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.clipnorm = clipnorm
    self.clipvalue = clipvalue
    self.globalClipnorm = globalClipnorm
  }

  // MARK: What subclasses override

  /// Updates every variable of a step with one fused kernel when the backend has it; returns
  /// false (the default) to have ``update(_:gradient:slots:learningRate:step:)`` run per
  /// variable instead. The base class calls it; a subclass with a fused kernel overrides it.
  open func updateFused(
    _ variables: [Variable], gradients: [Tensor], slots: [[Variable]], learningRate: Double,
    step: Int
  ) throws -> Bool {
    false
  }

  /// The slots kept per variable, in the order ``update(_:gradient:slots:learningRate:step:)``
  /// receives them (`["momentum", "velocity"]` for Adam).
  open var slotNames: [String] { [] }

  /// Updates one variable from its (clipped) gradient. `step` counts from 1.
  open func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    throw PlexusError.invalidState(
      context: "\(type(of: self)).update",
      message: "an Optimizer subclass must override update(_:gradient:slots:learningRate:step:)")
  }

  /// Throws unless every hyper-parameter is in its range (Keras raises `ValueError` for the
  /// same). Runs at `compile` and before every step, since `learningRate` may change between
  /// steps; a subclass with hyper-parameters of its own overrides it and calls `super`.
  open func validateHyperparameters() throws {
    try validateCommonHyperparameters()
  }

  /// The hyper-parameters under their Keras names, as `get_config()` returns them (the
  /// learning rate rounded to float32, as Keras holds it in a float32 variable).
  open var config: [String: ConfigValue] {
    [
      "name": .string(name), "learning_rate": .float32(learningRate),
      "weight_decay": .optional(weightDecay), "clipnorm": .optional(clipnorm),
      "global_clipnorm": .optional(globalClipnorm), "clipvalue": .optional(clipvalue),
      "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": .null,
      "loss_scale_factor": .null, "gradient_accumulation_steps": .null,
    ]
  }

  // MARK: Applying gradients

  /// Applies one step: clips the gradients, applies weight decay, updates each variable,
  /// projects it onto its ``Variable/constraint`` and counts the step. Nil gradients are skipped; when every gradient is nil nothing happens.
  /// Equivalent to `optimizer.apply_gradients(zip(gradients, variables))`.
  public func apply(_ gradients: [Tensor?], to variables: [Variable]) throws {
    guard gradients.count == variables.count else {
      throw PlexusError.invalidArgument(
        context: "\(type(of: self)).apply",
        message: "received \(gradients.count) gradients for \(variables.count) variables; "
          + "pass one gradient (or nil) per variable")
    }
    var pairs: [(gradient: Tensor, variable: Variable)] = []
    for (gradient, variable) in zip(gradients, variables) {
      guard let gradient else { continue }
      try checkCompatible(gradient, variable)
      pairs.append((gradient, variable))
    }
    guard !pairs.isEmpty else { return }
    if pairs.count > 1 {
      // Sorted addresses, not a set: this runs every step.
      let addresses = pairs.map { UInt(bitPattern: ObjectIdentifier($0.variable)) }.sorted()
      for (previous, next) in zip(addresses, addresses.dropFirst()) where previous == next {
        let variable = pairs.first { UInt(bitPattern: ObjectIdentifier($0.variable)) == next }
        throw PlexusError.invalidArgument(
          context: "\(type(of: self)).apply",
          message: "variable '\(variable?.variable.path ?? "?")' appears twice; pass each "
            + "variable once")
      }
    }
    try validateHyperparameters()
    let clipped = try clip(pairs.map(\.gradient))
    let rate = learningRate
    let step = iterations + 1
    let slotLists = try pairs.map { try slots(for: $0.variable) }
    try applyWeightDecay(to: pairs.map(\.variable), learningRate: rate)
    let fused = try updateFused(
      pairs.map(\.variable), gradients: clipped, slots: slotLists, learningRate: rate, step: step)
    if !fused {
      for index in pairs.indices {
        try update(
          pairs[index].variable, gradient: clipped[index], slots: slotLists[index],
          learningRate: rate, step: step)
      }
    }
    // Keras projects constrained variables right after their update.
    for (_, variable) in pairs {
      guard let constraint = variable.constraint else { continue }
      try variable.assign(constraint(current(variable)))
    }
    iterations += 1
  }

  /// Every slot variable created so far, in creation order (for saving).
  public var variables: [Variable] { slotOrder }

  /// The slots of `variable`, created as zeros on first use.
  func slots(for variable: Variable) throws -> [Variable] {
    let key = ObjectIdentifier(variable)
    if let entry = slotTable[key], entry.owner === variable { return entry.slots }
    let created = try slotNames.map { slotName in
      Variable(
        try Tensor.zeros(variable.shape, dtype: variable.dtype),
        name: "\(variable.path)_\(slotName)", trainable: false)
    }
    slotTable[key] = SlotEntry(owner: variable, slots: created)
    slotOrder.append(contentsOf: created)
    return created
  }

  private func checkCompatible(_ gradient: Tensor, _ variable: Variable) throws {
    guard gradient.shape == variable.shape else {
      throw PlexusError.shapeMismatch(
        context: "\(type(of: self)).apply: gradient for variable '\(variable.path)'",
        expected: "\(variable.shape) (the variable's shape)", received: "\(gradient.shape)")
    }
    guard gradient.dtype == variable.dtype else {
      throw PlexusError.dtypeMismatch(
        context: "\(type(of: self)).apply: gradient for variable '\(variable.path)' of shape "
          + "\(variable.shape)",
        expected: "\(variable.dtype) (the variable's dtype)",
        received: "\(gradient.dtype) gradient of shape \(gradient.shape)")
    }
  }

  // MARK: Helpers for subclasses

  /// Whether the fused in-place update `op` runs for `dtype`: false when no backend offers it
  /// (or fused kernels are off) and the composite must run.
  func canFuse(_ op: OpCode, _ dtype: DType) -> Bool {
    useFusedKernels && (dtype == .float32 || dtype == .float64)
      && Dispatcher.anyBackendSupports(op, dtype)
  }

  /// Dispatches the fused in-place update `op` with `inputs`; the caller holds the variables
  /// it updates (``Variable/withMutableBuffer(_:)``).
  func runFused(_ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes) throws {
    _ = try Dispatcher.run(op, inputs, attributes, output: nil)
  }

  /// The learning rate and step of the current step as the scalar inputs of update ops (never
  /// attributes, so a replayed step can bind new ones); made once per step and shared by every
  /// variable's update.
  func stepInputs(learningRate: Double, step: Int) -> (
    learningRate: TensorBuffer, step: TensorBuffer
  ) {
    if let cached = stepInputCache, cached.rate == learningRate, cached.step == step {
      return cached.buffers
    }
    let buffers = (Tensor(learningRate).buffer, Tensor(Int64(step)).buffer)
    stepInputCache = (learningRate, step, buffers)
    return buffers
  }

  /// The current value of `variable`, never watched by a tape.
  func current(_ variable: Variable) -> Tensor { Tensor(variable.buffer) }

}

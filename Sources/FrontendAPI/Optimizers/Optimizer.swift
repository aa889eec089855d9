/// The base of every optimizer: it owns iteration counting, learning-rate schedules, gradient
/// clipping, decoupled weight decay, the moving averages of `useEMA`, the per-variable slots
/// and the choice between fused kernels and composites.
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
  /// The rate used when there is no schedule.
  private var fixedLearningRate: Double
  /// The step size of the next step: ``learningRateSchedule``'s value at ``iterations`` when
  /// there is a schedule (with ``gradientAccumulationSteps``, at the count of every step, as
  /// Keras evaluates it at its raw `_iterations`), else the fixed rate. Setting it (from a callback, say) fixes the rate
  /// and drops the schedule; Keras refuses that with a `TypeError`, but a Swift setter cannot
  /// throw, and a caller that sets a rate means it. Equivalent to `optimizer.learning_rate`.
  public var learningRate: Double {
    get { learningRate(atIteration: rawIterations) }
    set {
      fixedLearningRate = newValue
      learningRateSchedule = nil
    }
  }
  /// When set, each step's learning rate is this schedule's value at ``iterations`` (0 at the
  /// first step), and the config writes the schedule as `learning_rate`, as Keras does when an
  /// optimizer is given a `LearningRateSchedule`.
  public var learningRateSchedule: (any LearningRateSchedule)?
  /// The number of steps applied so far. Set it to resume training (loading a saved
  /// optimizer); the next step checks it is in `0..<Int.max`. Equivalent to
  /// `optimizer.iterations`.
  public var iterations: Int = 0
  /// When set, each gradient is rescaled so that its L2 norm is at most this value.
  public var clipnorm: Double?
  /// When set, each gradient element is clipped to `[-clipvalue, clipvalue]`.
  public var clipvalue: Double?
  /// When set, all gradients are rescaled together so that their joint L2 norm is at most this.
  public var globalClipnorm: Double?
  /// When set, each variable first loses `variable * weightDecay * learningRate` (decoupled
  /// weight decay, as AdamW defines it).
  public var weightDecay: Double?
  /// Whether to keep an exponential moving average of every variable the optimizer updates
  /// (see ``emaMomentum``, ``emaOverwriteFrequency`` and ``finalizeVariableValues(_:)``).
  public var useEMA: Bool
  /// The momentum of the moving averages: `average = emaMomentum · average + (1 - emaMomentum)
  /// · variable` after each step (the first step copies the variable).
  public var emaMomentum: Double
  /// When set (with ``useEMA``), every this many steps the variables are overwritten with their
  /// moving averages; when nil, only ``finalizeVariableValues(_:)`` (called at the end of
  /// `fit`) does it.
  public var emaOverwriteFrequency: Int?
  /// When set (≥ 2), gradients are summed over this many ``apply(_:to:)`` calls and the
  /// variables updated on the last of them with their mean; ``iterations`` counts the updates,
  /// as Keras's `gradient_accumulation_steps`. Nil or 0 (Keras's falsy value) turns it off.
  public var gradientAccumulationSteps: Int?
  /// The ``apply(_:to:)`` calls accumulated since the last update (below
  /// ``gradientAccumulationSteps``); with ``iterations``, what a saved optimizer records as
  /// Keras's raw step count. Restore both to resume.
  public var accumulatedSteps: Int = 0

  /// Whether updates may use a backend's fused kernels; tests turn it off to run the composite
  /// (the oracle the fused kernels are checked against).
  var useFusedKernels = true

  /// The per-step scalar inputs last made by ``stepInputs(learningRate:step:)``.
  private var stepInputCache: (rate: Double, step: Int, buffers: (TensorBuffer, TensorBuffer))?

  /// Per-variable state, keyed by the variable's identity (the owner is checked, since an
  /// identifier may be reused once a variable is freed).
  struct SlotEntry {
    weak var owner: Variable?
    let slots: [Variable]
  }
  /// Each variable's slots, in ``slotGroups`` order.
  var slotTable: [ObjectIdentifier: SlotEntry] = [:]
  /// Each variable's moving average (the one slot of an entry).
  var averageTable: [ObjectIdentifier: SlotEntry] = [:]
  /// Each variable's gradient accumulator, with ``gradientAccumulationSteps``.
  var accumulatorTable: [ObjectIdentifier: SlotEntry] = [:]
  /// Every state variable, in creation order.
  var stateOrder: [Variable] = []

  /// Creates an optimizer; the clipping options are mutually exclusive, as in Keras. With a
  /// `learningRateSchedule`, `learningRate` is unused until the schedule is removed.
  public init(
    learningRate: Double, learningRateSchedule: (any LearningRateSchedule)? = nil,
    name: String, weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
    globalClipnorm: Double? = nil, useEMA: Bool = false, emaMomentum: Double = 0.99,
    emaOverwriteFrequency: Int? = nil, gradientAccumulationSteps: Int? = nil
  ) {
    self.name = name
    self.fixedLearningRate = learningRate
    self.learningRateSchedule = learningRateSchedule
    self.weightDecay = weightDecay
    self.clipnorm = clipnorm
    self.clipvalue = clipvalue
    self.globalClipnorm = globalClipnorm
    self.useEMA = useEMA
    self.emaMomentum = emaMomentum
    self.emaOverwriteFrequency = emaOverwriteFrequency
    self.gradientAccumulationSteps = gradientAccumulationSteps
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

  /// The slots in the groups Keras creates them in (`[slotNames]` by default): Keras makes
  /// each group with one `add_optimizer_variables` call, so within a group the slots of one
  /// variable sit together, and each group follows the previous one for every variable (Adam
  /// with `amsgrad`: `[["momentum", "velocity"], ["velocity_hat"]]`). The update receives
  /// the groups concatenated, and ``stateVariables(for:)`` lists them in this order.
  open var slotGroups: [[String]] { [slotNames] }

  /// The value a new slot named `slotName` starts at: 0 by default (Adagrad's accumulator
  /// starts at its `initialAccumulatorValue`).
  open func initialValue(ofSlot slotName: String) -> Double { 0 }

  /// Updates one variable from its (clipped) gradient. `step` counts from 1.
  open func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    throw PlexusError.invalidState(
      context: "\(type(of: self)).update",
      message: "an Optimizer subclass must override update(_:gradient:slots:learningRate:step:)")
  }

  /// Throws unless every hyper-parameter is in its range (Keras raises `ValueError` for the
  /// same). Runs at `compile`, when a config loads and before every step, since `learningRate`
  /// may change between steps; a subclass with hyper-parameters of its own overrides it and
  /// calls `super`.
  open func validateHyperparameters() throws {
    try validateCommonHyperparameters()
  }

  /// The hyper-parameters under their Keras names, as `get_config()` returns them (a fixed
  /// learning rate rounded to float32, as Keras holds it in a float32 variable; a schedule
  /// serialized as Keras serializes it).
  open var config: [String: ConfigValue] {
    [
      "name": .string(name),
      "learning_rate": learningRateSchedule?.serialized.value ?? .float32(fixedLearningRate),
      "weight_decay": .optional(weightDecay), "clipnorm": .optional(clipnorm),
      "global_clipnorm": .optional(globalClipnorm), "clipvalue": .optional(clipvalue),
      "use_ema": .bool(useEMA), "ema_momentum": .double(emaMomentum),
      "ema_overwrite_frequency": .optional(emaOverwriteFrequency),
      "loss_scale_factor": .null,
      "gradient_accumulation_steps": .optional(gradientAccumulationSteps),
    ]
  }

  /// Projects each constrained variable of `variables` with its constraint, as Keras does after
  /// every ``apply(_:to:)`` call (also one that only accumulates).
  private func applyConstraints(to variables: [Variable]) throws {
    for variable in variables {
      guard let constraint = variable.constraint else { continue }
      try variable.assign(constraint(current(variable)))
    }
  }

  /// State kept once for the optimizer rather than per variable (Nadam's running product),
  /// listed after every slot; created from `variables` when missing. None by default.
  func sharedState(for variables: [Variable]) throws -> [Variable] { [] }

  /// Runs once per step after weight decay and before the variables' updates (Nadam advances
  /// its running product here); nothing by default.
  func beginStep(_ step: Int, variables: [Variable]) throws {}

  // MARK: Applying gradients

  /// Applies one step: clips the gradients, applies weight decay, updates each variable,
  /// updates the moving averages (with ``useEMA``), projects each variable onto its
  /// ``Variable/constraint`` and counts the step. Nil gradients are skipped (their variables
  /// still get moving averages); when every gradient is nil nothing happens.
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
    try requireDistinct(useEMA ? variables : pairs.map(\.variable), "apply")
    try validateHyperparameters()
    // Under data parallelism every process applies the gradients summed over all of them
    // (each scaled by its share of the batch), as TensorFlow's strategies aggregate in
    // `apply_gradients`; then clipping sees the whole batch's gradient.
    var gradients = pairs.map(\.gradient)
    if let parallel = DataParallel.active { gradients = try parallel.allReduce(gradients) }
    if accumulatesOver != nil {
      guard let mean = try accumulate(gradients, of: pairs.map(\.variable)) else {
        // Not an update step: Keras still moves the averages and projects the variables.
        if useEMA { try updateMovingAverages(of: variables) }
        try applyConstraints(to: pairs.map(\.variable))
        return
      }
      gradients = mean
    }
    let clipped = try clip(gradients)
    // Keras holds the rate in a float32 variable and computes with float32 variables in
    // float32: the same rounding here makes a rate reloaded from a file (stored as float32)
    // train exactly as the original did.
    let roundsToFloat32 = pairs.allSatisfy { $0.variable.dtype == .float32 }
    let rate = roundsToFloat32 ? Double(Float(learningRate)) : learningRate
    let step = iterations + 1
    let slotLists = try pairs.map { try slots(for: $0.variable) }
    if let recorder = Dispatcher.scope.recorder {
      recorder.noteRateRounding(self, toFloat32: roundsToFloat32)
      if let weightDecay, weightDecay != 0 {
        recorder.refuse("\(name) applies weight decay with the rate as a constant")
      }
      if useEMA { recorder.refuse("\(name) keeps moving averages on a host schedule (useEMA)") }
    }
    try applyWeightDecay(to: pairs.map(\.variable), learningRate: rate)
    try beginStep(step, variables: pairs.map(\.variable))
    let fused = try updateFused(
      pairs.map(\.variable), gradients: clipped, slots: slotLists, learningRate: rate, step: step)
    if !fused {
      let recorder = Dispatcher.scope.recorder
      let bound = recorder?.optimizerBindings.count ?? 0
      for index in pairs.indices {
        try update(
          pairs[index].variable, gradient: clipped[index], slots: slotLists[index],
          learningRate: rate, step: step)
      }
      // An update that takes the rate and step as scalar inputs binds them once per variable;
      // a composite one computes with them as constants, which a replay cannot change.
      if let recorder, recorder.optimizerBindings.count - bound < pairs.count {
        recorder.refuse(
          "\(name) has no fused update on this backend for these variables, and its composite "
            + "update takes the rate and step as constants")
      }
    }
    if useEMA { try updateMovingAverages(of: variables) }
    try applyConstraints(to: pairs.map(\.variable))
    accumulatedSteps = 0
    iterations += 1
  }

  /// Every state variable created so far (slots, moving averages, shared state), in creation
  /// order. For saving, ``stateVariables(for:)`` gives Keras's order.
  public var variables: [Variable] { stateOrder }

  /// Throws when a variable appears twice in `variables`. Sorted addresses, not a set: this
  /// runs every step.
  func requireDistinct(_ variables: [Variable], _ caller: String) throws {
    guard variables.count > 1 else { return }
    let addresses = variables.map { UInt(bitPattern: ObjectIdentifier($0)) }.sorted()
    for (previous, next) in zip(addresses, addresses.dropFirst()) where previous == next {
      let variable = variables.first { UInt(bitPattern: ObjectIdentifier($0)) == next }
      throw PlexusError.invalidArgument(
        context: "\(type(of: self)).\(caller)",
        message: "variable '\(variable?.path ?? "?")' appears twice; pass each variable once")
    }
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

  /// The rate of the step taken after `iteration` steps: the schedule's value there, else
  /// the fixed rate.
  func learningRate(atIteration iteration: Int) -> Double {
    learningRateSchedule.map { $0(iteration) } ?? fixedLearningRate
  }

  /// The learning rate and step of the current step as the scalar inputs of update ops (never
  /// attributes, so a replayed step can bind new ones); made once per step and shared by every
  /// variable's update.
  func stepInputs(learningRate: Double, step: Int) -> (
    learningRate: TensorBuffer, step: TensorBuffer
  ) {
    if let recorder = Dispatcher.scope.recorder {
      // A capture binds them per replay: buffers of its own, never shared with eager steps.
      let buffers = (Tensor(learningRate).buffer, Tensor(Int64(step)).buffer)
      recorder.bindOptimizer(self, rate: buffers.0, step: buffers.1, capturedStep: step)
      stepInputCache = nil
      return buffers
    }
    if let cached = stepInputCache, cached.rate == learningRate, cached.step == step {
      return cached.buffers
    }
    let buffers = (Tensor(learningRate).buffer, Tensor(Int64(step)).buffer)
    stepInputCache = (learningRate, step, buffers)
    return buffers
  }

  /// The current value of `variable`, never watched by a tape.
  func current(_ variable: Variable) -> Tensor { Tensor(variable.buffer) }

  /// `Tensor.scalar(value, dtype:)`, shorter for update formulas.
  func scalar(_ value: Double, _ dtype: DType) throws -> Tensor {
    try Tensor.scalar(value, dtype: dtype)
  }
}

/// A layer with training and inference loops: `compile`, `fit`, `evaluate`, `predict`.
///
/// Three ways to build one, as in Keras:
/// - `Sequential` for a plain stack of layers;
/// - the Functional API, `Model(inputs:outputs:)`, for graphs with several inputs, several
///   outputs or shared layers;
/// - subclassing: declare sublayers as `let` properties and override `call(_:training:)`.
///
/// ```swift
/// final class MLP: Model {
///   let hidden = Dense(128, activation: .relu)
///   let output = Dense(10)
///   override func call(_ x: Tensor, training: Bool) throws -> Tensor {
///     try output(hidden(x, training: training), training: training)
///   }
/// }
/// ```
///
/// ## Threads
/// `predict` from many threads on one model is safe: share it with ``SharedModel``, which
/// builds an unbuilt model once. Independent models train in parallel, each in its own task,
/// with the results of a serial run. `fit` needs exclusive use of its model; a model is not
/// `Sendable`, so the compiler keeps it in one task at a time (see <doc:Threads>).
/// Equivalent to `keras.Model`.
open class Model: Layer {
  /// A model's output keeps the mask its layers gave it (none otherwise).
  open override var supportsMasking: Bool { true }

  open override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    nil
  }

  /// The backend this model's ops run on (nil: the default). A `withBackend` scope still
  /// takes precedence.
  public var backend: String?
  /// Set by a callback to end `fit` after the current epoch.
  public var stopTraining = false
  /// Runs every step eagerly, op by op (for debugging); `compile` sets it. Equivalent to
  /// Keras's `model.run_eagerly`.
  public var runEagerly = false
  /// Whether `fit`, `evaluate` and `predict` run their steps compiled (captured once per
  /// signature, then replayed); `compile` sets it. Equivalent to Keras's `model.jit_compile`.
  public var jitCompile: JitCompile = .auto
  /// The compiled `predict` step (the train and test steps live with the compiled state).
  let predictFunction = StepFunction(name: "predict step")
  /// The epoch a callback asks `fit` to start at, read once after `onTrainBegin` (Keras's
  /// `model._initial_epoch`, which `BackupAndRestore` sets).
  var resumeEpoch: Int?

  let graph: FunctionalGraph?
  var containedLayers: [Layer]
  var compiled: CompiledState?

  /// Creates a model to subclass; its layers are its stored properties.
  public override init(name: String? = nil) {
    self.graph = nil
    self.containedLayers = []
    super.init(name: name)
    predictFunction.name = "Model '\(self.name)' predict step"
  }

  /// Creates a Functional model from symbolic inputs to symbolic outputs.
  public init(inputs: [SymbolicTensor], outputs: [SymbolicTensor], name: String? = nil) throws {
    let resolvedName = name ?? LayerNames.unique(for: Functional.self)
    guard !inputs.isEmpty, !outputs.isEmpty else {
      throw PlexusError.invalidArgument(
        context: "Model '\(resolvedName)'", message: "needs at least one input and one output")
    }
    let graph = try FunctionalGraph(inputs: inputs, outputs: outputs, model: resolvedName)
    self.graph = graph
    self.containedLayers = graph.layers
    super.init(name: resolvedName)
    predictFunction.name = "Model '\(self.name)' predict step"
    built = true
  }

  /// Creates a Functional model with one input and one output.
  public convenience init(inputs: SymbolicTensor, outputs: SymbolicTensor, name: String? = nil)
    throws
  {
    try self.init(inputs: [inputs], outputs: [outputs], name: name)
  }

  /// The layers, in order: a Sequential's stack, a Functional graph's layers, or a subclass's
  /// sublayer properties.
  public var layers: [Layer] { containedLayers.isEmpty ? sublayers.map(\.1) : containedLayers }

  /// A Functional model's config is its graph (Keras's `layers`, `input_layers`,
  /// `output_layers`); a subclass's is the base layer config.
  open override var config: [String: ConfigValue] {
    graph == nil ? super.config : functionalConfig
  }

  /// The number of inputs the model takes.
  package var inputCount: Int { graph?.inputs.count ?? 1 }

  /// The number of outputs the model produces.
  public var outputCount: Int { graph?.outputs.count ?? 1 }

  open override var className: String {
    graph == nil ? String(describing: type(of: self)) : "Functional"
  }

  open override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    guard let graph else { return try super.call(inputs, training: training) }
    let outputs = try graph.run(inputs, training: training, model: name)
    guard outputs.count == 1, let output = outputs.first else {
      throw PlexusError.invalidArgument(
        context: "Model '\(name)'",
        message: "has \(outputs.count) outputs; use callAsFunction(multiple:) or predict")
    }
    return output
  }

  open override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    if let graph, let output = graph.outputs.first { return output.shape }
    return try super.computeOutputShape(inputShapes)
  }

  /// Runs the model on its inputs and returns every output (Functional models may have several).
  public func callAsFunction(multiple inputs: [Tensor], training: Bool = false) throws -> [Tensor] {
    try forward(inputs, training: training)
  }

  /// A model leaves casting to its layers.
  override var autocasts: Bool { false }

  override func apply(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    try withModelBackend { try super.apply(inputs, training: training) }
  }

  // MARK: Steps (overridable)

  /// One optimisation step on a batch: forward under a tape, the compiled loss, gradients, the
  /// optimizer update and the metric updates. Returns the running metric values.
  ///
  /// Override it to customise training while keeping `fit`, callbacks and progress reporting;
  /// ``computeLoss(_:_:)`` and ``updateMetrics(_:_:)`` are there to reuse.
  /// Equivalent to Keras's `Model.train_step`.
  ///
  /// Compiled unless ``runEagerly`` or ``jitCompile`` says otherwise: the forward pass, loss,
  /// gradients and update are captured once and replayed; the metrics update after the step
  /// from its predictions.
  open func trainStep(_ x: [Tensor], _ y: [Tensor]) throws -> [String: Double] {
    let compiled = try requireCompiled("trainStep")
    let predictions = try runStep(compiled.trainFunction, x, y, training: true)
    try updateMetrics(y, predictions)
    return try compiled.results()
  }

  /// One evaluation step: forward in inference mode, the loss and the metric updates.
  /// Equivalent to Keras's `Model.test_step`.
  open func testStep(_ x: [Tensor], _ y: [Tensor]) throws -> [String: Double] {
    let compiled = try requireCompiled("testStep")
    let predictions = try runStep(compiled.testFunction, x, y, training: false)
    try updateMetrics(y, predictions)
    return try compiled.results()
  }

  /// Every output for `inputs`, with this model's backend selected.
  func forward(_ inputs: [Tensor], training: Bool) throws -> [Tensor] {
    if let graph {
      return try graph.run(inputs, training: training, model: name)
    }
    return [try apply(inputs, training: training)]
  }

  /// Runs `body` with this model's backend selected (when it has one).
  func withModelBackend<R>(_ body: () throws -> R) throws -> R {
    guard let backend else { return try body() }
    let entry = try Dispatcher.entry(named: backend)
    return try Dispatcher.withScope({ $0.modelEntry = entry }, body)
  }

  /// The names of the layers producing the outputs: the prefixes of per-output log keys.
  var outputNames: [String] {
    graph?.outputs.map { $0.producer?.layer.name ?? "output" } ?? ["output"]
  }
}

/// The class name Keras gives models made with `Model(inputs:outputs:)`.
private final class Functional {}

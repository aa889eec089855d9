import Synchronization

/// The base of every layer and model: settings in `init`, weights in `build(inputShape:)`,
/// computation in `call(_:training:)`.
///
/// ```swift
/// final class Scale: Layer {
///   private(set) var factor: Variable?
///   override func build(inputShape: Shape) throws {
///     factor = try addWeight(name: "factor", shape: [inputShape[inputShape.rank - 1]],
///                            initializer: .ones)
///   }
///   override func call(_ x: Tensor, training: Bool) throws -> Tensor {
///     try x * (factor?.value ?? Tensor(1 as Float))
///   }
/// }
/// ```
///
/// Calling a layer builds it on first use from the input's shape, then checks every input
/// against ``inputSpec``: a wrong shape throws an error that names the layer, the expected and
/// the received shape. Calling ``build(inputShape:)`` by hand builds it too, as in Keras: a
/// weight made with ``addWeight(name:shape:initializer:dtype:trainable:)`` outside the first
/// call's build marks the layer built, so the first call does not make the weights again (a
/// layer that makes weights with `addWeight` in `init` is therefore built from the start, and
/// its `build` does not run). Weights are found by reflection
/// over stored properties (variables and sublayers, also inside arrays and optionals) plus
/// those made with `addWeight`.
///
/// ## Threads
/// A layer is not `Sendable`, and a subclass needs no annotation: the compiler keeps a layer
/// in one task at a time, which is what training needs. Inference is the exception: a built
/// layer's call only reads, the base class keeps its own bookkeeping behind a lock, and the
/// first build runs once however many threads race to it, so ``SharedModel`` may run one model
/// from many tasks. A subclass's own state set in `build` is published by that lock too.
/// Equivalent to `keras.layers.Layer`.
open class Layer: SequentialComponent {
  /// The name, unique in this process per class (`"dense"`, `"dense_1"`).
  public let name: String
  /// What every input must look like once built (nil: anything).
  open var inputSpec: InputSpec? { nil }

  /// The base class's bookkeeping; every access holds `lock`.
  struct Bookkeeping {
    var built = false
    var buildShape: Shape?
    var addedWeights: [Variable] = []
    var trainable = true
    var sublayers: [(String, Layer)]?
    var ownVariables: [Variable]?
    var weights: (version: Int, weights: [Variable])?
    /// This layer and its sublayers that add penalties, found once per structure version.
    var regularized: (version: Int, layers: [any RegularizedLayer])?
    var dtypePolicy = DTypePolicy.float32
  }
  /// Guards `bookkeeping`. Held briefly; never while calling out to subclass code.
  let lock = Lock()
  /// `bookkeeping.built`, readable without the lock.
  let builtFlag = Atomic(false)
  /// The policy's compute dtype (its raw value), readable without the lock.
  private let computeDTypeValue = Atomic<Int32>(DType.float32.rawValue)
  /// Held for the whole first build, so that racing callers build once.
  private let buildLock = Lock()
  var bookkeeping = Bookkeeping()

  /// The layers whose first build runs on this thread (to refuse a build that calls itself,
  /// which would otherwise wait for its own lock forever).
  @TaskLocal private static var building: Set<ObjectIdentifier> = []

  /// The layers whose `trainable` switch is being set on this task (to stop at a cycle).
  @TaskLocal private static var switchingTrainable: Set<ObjectIdentifier> = []

  /// Whether `layer`'s first build is running on this thread.
  static func isBuilding(_ layer: Layer) -> Bool { building.contains(ObjectIdentifier(layer)) }

  /// Creates a layer, named after its class when `name` is nil.
  public init(name: String? = nil) {
    self.name = name ?? LayerNames.unique(for: Self.self)
    let policy = DTypePolicy.current
    bookkeeping.dtypePolicy = policy
    computeDTypeValue.store(policy.computeDType.rawValue, ordering: .relaxed)
  }

  /// Whether the layer has created its weights.
  public internal(set) var built: Bool {
    // Read on every call: one atomic load rather than the lock, which many threads calling one
    // model would contend for. Acquiring, so the state `build` set is visible after it.
    get { builtFlag.load(ordering: .acquiring) }
    set {
      lock.withLock {
        bookkeeping.built = newValue
        builtFlag.store(newValue, ordering: .releasing)
      }
    }
  }

  /// The input shape the layer was built for, batch axis as -1.
  public internal(set) var buildShape: Shape? {
    get { lock.withLock { bookkeeping.buildShape } }
    set { lock.withLock { bookkeeping.buildShape = newValue } }
  }

  /// The Keras class name (`"Dense"`).
  open var className: String { String(describing: type(of: self)) }

  /// Whether the layer's weights are trained; setting it applies to every weight and sublayer.
  open var trainable: Bool {
    get { lock.withLock { bookkeeping.trainable } }
    set {
      // A layer already being switched further up (one that holds a layer above it) is
      // skipped, so the walk ends; each sublayer is switched through its own setter, which a
      // subclass may override.
      let id = ObjectIdentifier(self)
      guard !Self.switchingTrainable.contains(id) else { return }
      lock.withLock { bookkeeping.trainable = newValue }
      for variable in ownVariables where variable.createdTrainable { variable.trainable = newValue }
      Self.$switchingTrainable.withValue(Self.switchingTrainable.union([id])) {
        for (_, layer) in sublayers { layer.trainable = newValue }
      }
    }
  }

  // MARK: Overridable contract

  /// Creates the weights for inputs of `inputShape` (batch axis first, -1 when unknown).
  open func build(inputShape: Shape) throws {}

  /// Creates the weights for several inputs; the default accepts exactly one.
  open func build(inputShapes: [Shape]) throws {
    guard inputShapes.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "\(identity)", message: "expects 1 input, received \(inputShapes.count)")
    }
    try build(inputShape: inputShapes[0])
  }

  /// Computes the layer's output.
  open func call(_ x: Tensor, training: Bool) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "\(identity)", message: "a layer must override call(_:training:)")
  }

  /// Computes the output from several inputs; the default accepts exactly one.
  open func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    guard inputs.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "\(identity)", message: "expects 1 input, received \(inputs.count)")
    }
    return try call(inputs[0], training: training)
  }

  /// The output shape for `inputShapes` (batch axis -1). The default runs the layer on zeros
  /// with a batch of 1; layers override it when the rule is simple.
  open func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    let probes = try inputShapes.map { shape in
      try Tensor.zeros(Shape(shape.dims.map { $0 < 0 ? 1 : $0 }))
    }
    let output = try apply(probes, training: false)
    var dims = output.shape.dims
    if !dims.isEmpty, inputShapes.first.map({ $0.rank > 0 && $0[0] < 0 }) == true { dims[0] = -1 }
    return Shape(dims)
  }

  /// The layer's settings, as Keras's `get_config()` returns them.
  open var config: [String: ConfigValue] {
    ["name": .string(name), "trainable": .bool(trainable), "dtype": dtypePolicy.value]
  }

  // MARK: Calling

  /// Applies the layer to one tensor, building it first if needed.
  public func callAsFunction(_ x: Tensor, training: Bool = false) throws -> Tensor {
    try apply([x], training: training)
  }

  /// Applies the layer to several tensors (merging layers).
  public func callAsFunction(_ inputs: [Tensor], training: Bool = false) throws -> Tensor {
    try apply(inputs, training: training)
  }

  /// The layer's dtype policy: the dtype it computes in and of the variables it makes (see
  /// ``DTypePolicy``). A new layer takes the policy in force (``DTypePolicy/current``); change
  /// it before the layer builds. Equivalent to Keras's `layer.dtype_policy`.
  ///
  /// Setting it sets it on the layer's sublayers too (a MultiHeadAttention's projections), and
  /// a layer builds its sublayers under its own policy.
  public var dtypePolicy: DTypePolicy {
    get { lock.withLock { bookkeeping.dtypePolicy } }
    set { setDTypePolicy(newValue, includingSublayers: true) }
  }

  /// Sets this layer's policy, and its sublayers' when `includingSublayers` (a config sets
  /// each layer's own: a model's entry must not override its layers').
  func setDTypePolicy(_ policy: DTypePolicy, includingSublayers: Bool) {
    lock.withLock { bookkeeping.dtypePolicy = policy }
    computeDTypeValue.store(policy.computeDType.rawValue, ordering: .relaxed)
    if policy.computeDType != .float32 { DTypePolicy.noteMixedInUse() }
    if includingSublayers {
      for (_, sublayer) in sublayers where sublayer !== self {
        sublayer.setDTypePolicy(policy, includingSublayers: true)
      }
    }
    LayerStructure.changed()
  }

  /// The dtype this layer computes in, read without the lock on every call.
  var computeDType: DType {
    DType(rawValue: computeDTypeValue.load(ordering: .relaxed)) ?? .float32
  }

  /// Whether ``apply(_:training:)`` casts floating inputs to the compute dtype: false for
  /// layers whose inputs are ids or raw features (Embedding, Normalization), as Keras's
  /// `autocast=False`.
  var castsInputs: Bool { true }

  /// Whether this layer computes in float32 under any policy, giving its output in the
  /// policy's compute dtype (the normalization layers, whose statistics need float32).
  var computesInFloat32: Bool { false }

  /// Whether ``apply(_:training:)`` casts inputs to the policy's compute dtype (a model leaves
  /// that to its layers).
  var autocasts: Bool { true }

  // MARK: Masks

  /// Whether this layer passes a mask on (Keras's `supports_masking`): its output gets
  /// ``computeMask(_:previousMask:)``'s mask. False here: a mask stops at this layer, as at a
  /// `Flatten` or a convolution.
  open var supportsMasking: Bool { false }

  /// The mask of this layer's output for `inputs`, when ``supportsMasking``; `previousMask` is
  /// the first input's. The default passes it on unchanged (a `Dense` or `Dropout` keeps the
  /// steps). Equivalent to Keras's `compute_mask(inputs, previous_mask)`.
  open func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    previousMask
  }

  /// Keras's merge rule: the OR of the inputs' masks (a step kept by any input is kept); nil
  /// when an input has none.
  static func anyMasks(_ inputs: [Tensor]) throws -> Tensor? {
    guard !inputs.isEmpty, inputs.allSatisfy({ $0.mask != nil }) else { return nil }
    let masks = try inputs.compactMap { try $0.mask.map { try Ops.cast($0, to: .bool) } }
    var combined = masks[0]
    for mask in masks.dropFirst() { combined = try Ops.logicalOr(combined, mask) }
    return combined
  }

  /// Whether this layer makes a mask from its input (``MaskProducer``): checked before the
  /// cast on every call.
  var producesMasks: Bool { false }

  /// A Functional graph's call of this layer that makes several tensors or takes initial
  /// states (``LayerCall/isMultiple``): every output, in Keras's order. Only recurrent layers
  /// and attention make such calls, through their public calls, which cast as the dtype policy
  /// says (``autocasting(_:_:)``).
  func applyCall(_ call: LayerCall, _ inputs: [Tensor], training: Bool) throws -> [Tensor] {
    throw PlexusError.invalidState(
      context: "Layer \(identity)",
      message: "a graph call with \(call.outputCount) outputs and \(call.stateInputs) initial "
        + "states; only recurrent layers and attention make such calls")
  }

  /// Builds when needed, checks the inputs, calls, and sets the output's mask
  /// (``withOutputMask(_:inputs:)``). (A layer reads its inputs' masks in `call` from
  /// ``Tensor/mask``.)
  func apply(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    try withOutputMask(applyUnmasked(inputs, training: training), inputs: inputs)
  }

  /// `output` with its mask as Keras sets it: the one a ``MaskProducer`` makes; else, when the
  /// layer supports masking, the one its call attached or ``computeMask(_:previousMask:)``'s
  /// (when an input has a mask); else none (a mask stops at a layer that does not support it,
  /// even when the output is its input unchanged).
  func withOutputMask(_ output: Tensor, inputs: [Tensor]) throws -> Tensor {
    if producesMasks, let producer = self as? any MaskProducer, let x = inputs.first,
      let produced = try producer.computeMask(x)
    {
      return output.withMask(produced)
    }
    guard supportsMasking else { return output.mask == nil ? output : output.withMask(nil) }
    guard output.mask == nil, inputs.contains(where: { $0.mask != nil }) else { return output }
    return output.withMask(try computeMask(inputs, previousMask: inputs.first?.mask))
  }

  /// ``apply(_:training:)`` without the output's mask: under a bfloat16 policy with the
  /// floating inputs cast to bfloat16 (keeping their masks) and the trainable variables read
  /// as bfloat16.
  func applyUnmasked(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    try prepare(inputs)
    // Until a layer of the process computes in another dtype, nothing below can apply.
    guard autocasts, DTypePolicy.mixedInUse else { return try call(inputs, training: training) }
    return try autocasting(inputs) { [try call($0, training: training)] }[0]
  }

  /// `body`'s outputs on `inputs` cast as the dtype policy says: the floating inputs in the
  /// compute dtype (float32 for a layer that ``computesInFloat32``, when it ``castsInputs``),
  /// the ops inside autocast to it, and the floating outputs in the policy's dtype; masks kept.
  /// A call that makes several tensors or takes states (a recurrent layer's `initial_state`,
  /// which Keras converts as every tensor argument) runs its body through this.
  func autocasting(_ inputs: [Tensor], _ body: ([Tensor]) throws -> [Tensor]) throws
    -> [Tensor]
  {
    guard autocasts, DTypePolicy.mixedInUse else { return try body(inputs) }
    let policy = computeDType
    let compute = computesInFloat32 ? DType.float32 : policy
    if policy == .float32, Autocast.dtype == nil,
      !inputs.contains(where: { $0.dtype == .bfloat16 })
    {
      return try body(inputs)
    }
    let cast =
      castsInputs
      ? try inputs.map {
        $0.dtype.isFloatingPoint && $0.dtype != compute
          ? try Ops.cast($0, to: compute).withMask($0.mask) : $0
      } : inputs
    let outputs = try Autocast.$dtype.withValue(compute == .float32 ? nil : compute) {
      try body(cast)
    }
    return try outputs.map {
      $0.dtype.isFloatingPoint && $0.dtype != policy
        ? try Ops.cast($0, to: policy).withMask($0.mask) : $0
    }
  }

  /// What ``apply(_:training:)`` does before it calls: builds the layer for `inputs` when
  /// needed and checks them against its input spec.
  func prepare(_ inputs: [Tensor]) throws {
    if !built { try buildIfNeeded(inputs.map(\.shape)) }
    if let spec = inputSpec {
      for (index, input) in inputs.enumerated() {
        try spec.check(input.shape, layer: "Input \(index) of layer \(self.identity)")
      }
    }
  }

  /// Builds the layer for `shapes` (one per input, with the batch axis; -1 for an unknown
  /// size) unless it is built, once however many threads call it at the same time.
  /// Equivalent to Keras's `layer.build(input_shape)` on an unbuilt layer.
  package func buildIfNeeded(_ shapes: [Shape]) throws {
    guard !built else { return }
    for shape in shapes {
      // -1 is the one spelling of an unknown size (Keras's None); anything below is an error,
      // and the known sizes must be ones this machine can hold.
      guard shape.dims.allSatisfy({ $0 >= -1 }) else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "input shape \(shape) has a size below -1; sizes are ≥ 0, or -1 for unknown")
      }
      _ = try Shape(shape.dims.map { Swift.max($0, 0) }).validated(context: "Layer \(identity)")
    }
    let id = ObjectIdentifier(self)
    guard !Self.building.contains(id) else {
      throw PlexusError.invalidState(
        context: "\(identity)",
        message: "build(inputShape:) calls the layer it is building; "
          + "compute shapes there without calling the layer")
    }
    try buildLock.withLock {
      // Another thread may have built it while this one waited.
      if lock.withLock({ bookkeeping.built }) { return }
      try Self.$building.withValue(Self.building.union([id])) {
        // Sublayers made while building take this layer's policy.
        try DTypePolicy.$scoped.withValue(dtypePolicy) { try buildReleasingPartialWeights(shapes) }
      }
      let symbolic = shapes.map { shape in
        Shape(shape.dims.enumerated().map { $0.offset == 0 ? -1 : $0.element })
      }
      lock.withLock {
        bookkeeping.built = true
        builtFlag.store(true, ordering: .releasing)
        bookkeeping.buildShape = symbolic.first
        bookkeeping.sublayers = nil
        bookkeeping.ownVariables = nil
      }
      LayerStructure.changed()
    }
  }

  private func buildReleasingPartialWeights(_ shapes: [Shape]) throws {
    do {
      try build(inputShapes: shapes)
    } catch {
      // A failed build leaves no half-made weights behind for the next attempt to duplicate.
      lock.withLock {
        bookkeeping.addedWeights.removeAll()
        bookkeeping.ownVariables = nil
      }
      throw error
    }
  }

  /// `'dense_1' (Dense)`, the way errors name a layer.
  public var identity: String { "'\(name)' (\(className))" }
}

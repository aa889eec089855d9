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
/// the received shape. Weights are found by reflection over stored properties (variables and
/// sublayers, also inside arrays and optionals) plus those made with ``addWeight(name:shape:initializer:dtype:trainable:)``.
/// Equivalent to `keras.layers.Layer`.
open class Layer: @unchecked Sendable, SequentialComponent {
  /// The name, unique in this process per class (`"dense"`, `"dense_1"`).
  public let name: String
  /// Whether the layer has created its weights.
  public internal(set) var built = false
  /// The input shape the layer was built for, batch axis as -1.
  public internal(set) var buildShape: Shape?
  /// What every input must look like once built (nil: anything).
  open var inputSpec: InputSpec? { nil }

  var addedWeights: [Variable] = []
  private var trainableSetting = true
  var cachedSublayers: [(String, Layer)]?
  var cachedOwnVariables: [Variable]?
  var cachedWeights: (version: Int, weights: [Variable])?

  /// Creates a layer, named after its class when `name` is nil.
  public init(name: String? = nil) {
    self.name = name ?? LayerNames.unique(for: Self.self)
  }

  /// The Keras class name (`"Dense"`).
  open var className: String { String(describing: type(of: self)) }

  /// Whether the layer's weights are trained; setting it applies to every weight and sublayer.
  open var trainable: Bool {
    get { trainableSetting }
    set {
      trainableSetting = newValue
      for variable in ownVariables where variable.createdTrainable { variable.trainable = newValue }
      for (_, layer) in sublayers { layer.trainable = newValue }
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
    ["name": .string(name), "trainable": .bool(trainable)]
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

  /// Builds when needed, checks the inputs, and calls.
  func apply(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    if !built { try buildIfNeeded(inputs.map(\.shape)) }
    if let spec = inputSpec {
      for (index, input) in inputs.enumerated() {
        try spec.check(input.shape, layer: "Input \(index) of layer \(self.identity)")
      }
    }
    return try call(inputs, training: training)
  }

  /// Builds the layer for `shapes` once.
  func buildIfNeeded(_ shapes: [Shape]) throws {
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
    let symbolic = shapes.map { shape in
      Shape(shape.dims.enumerated().map { $0.offset == 0 ? -1 : $0.element })
    }
    do {
      try build(inputShapes: shapes)
    } catch {
      // A failed build leaves no half-made weights behind for the next attempt to duplicate.
      addedWeights.removeAll()
      cachedOwnVariables = nil
      throw error
    }
    built = true
    buildShape = symbolic.first
    cachedSublayers = nil
    cachedOwnVariables = nil
    LayerStructure.changed()
  }

  /// `'dense_1' (Dense)`, the way errors name a layer.
  public var identity: String { "'\(name)' (\(className))" }
}

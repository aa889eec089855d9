/// A plain stack of layers, each feeding the next.
///
/// ```swift
/// let model = Sequential {
///   Input(shape: [28, 28])
///   Flatten()
///   Dense(128, activation: .relu)
///   Dense(10)
/// }
/// // or: Sequential([Flatten(), Dense(128, activation: .relu), Dense(10)])
/// // or: let model = Sequential(); model.add(Dense(10))
/// ```
/// With a leading ``Input`` the model is built at once (so `summary()` works before training);
/// otherwise at its first call. Equivalent to `keras.Sequential`.
public final class Sequential: Model {
  /// The declared input, if any.
  public private(set) var input: Input?

  /// Creates a model from layers, optionally led by an ``Input``.
  public init(_ components: [any SequentialComponent] = [], name: String? = nil) {
    super.init(name: name ?? LayerNames.unique(for: Sequential.self))
    for component in components { append(component) }
    // Keras builds a Sequential with a declared input at once; a failure resurfaces, as a
    // thrown error, at the first call.
    if input != nil { try? buildFromInput() }
  }

  /// Creates a model from a block of layers.
  public convenience init(
    name: String? = nil, @SequentialBuilder _ content: () -> [any SequentialComponent]
  ) {
    self.init(content(), name: name)
  }

  /// Appends a layer (or sets the input, when the model has no layers yet).
  /// Equivalent to Keras's `Sequential.add`.
  public func add(_ component: any SequentialComponent) throws {
    if component is Input, !containedLayers.isEmpty || input != nil {
      throw PlexusError.invalidArgument(
        context: "Sequential '\(name)'", message: "an Input can only come first, once")
    }
    if let layer = component as? Layer, layer.contains(self) {
      // A model inside itself would recurse through every call, build and weight walk until
      // the stack overflows.
      throw PlexusError.invalidArgument(
        context: "Sequential '\(name)'",
        message: "cannot add layer '\(layer.name)': it is this model or contains it")
    }
    // With a declared input, Keras builds each layer as it is added (its weights exist, and a
    // layer that does not fit the shapes fails here rather than at the first call).
    try buildFromInput()
    if built, let layer = component as? Layer,
      let shape = outputShapes.last ?? buildShape ?? input?.shape
    {
      try layer.buildIfNeeded([shape])
    }
    append(component)
  }

  /// Removes the last layer and returns it. The other layers, and the removed one, keep their
  /// weights; a compiled model stays compiled (its next step is captured anew).
  /// Equivalent to Keras's `Sequential.pop`.
  @discardableResult
  public func pop() throws -> Layer {
    guard let last = containedLayers.last else {
      throw PlexusError.invalidArgument(
        context: "Sequential '\(name)'", message: "there are no layers to pop")
    }
    containedLayers.removeLast()
    lock.withLock { bookkeeping.sublayers = nil }
    LayerStructure.changed()
    return last
  }

  private func append(_ component: any SequentialComponent) {
    if let input = component as? Input {
      self.input = input
    } else if let layer = component as? Layer {
      containedLayers.append(layer)
      lock.withLock { bookkeeping.sublayers = nil }
      LayerStructure.changed()
    }
  }

  public override var inputSpec: InputSpec? {
    guard let input else { return nil }
    var axes: [Int: Int] = [:]
    for (axis, size) in input.shape.dims.enumerated().dropFirst() where size >= 0 {
      axes[axis] = size
    }
    return InputSpec(rank: input.shape.rank, axes: axes)
  }

  /// Builds every layer in order from the declared input, if there is one.
  public func buildFromInput() throws {
    guard let input, !built else { return }
    try buildIfNeeded([input.shape])
  }

  public override func build(inputShape: Shape) throws {
    var shape = inputShape
    for layer in containedLayers {
      try layer.buildIfNeeded([shape])
      shape = try layer.computeOutputShape([shape])
    }
  }

  /// Calls each layer on the previous one's output; a `Conv1D`/`Conv2D` with a relu followed
  /// by a max pooling runs as convolution, pooling, relu (``ReluPoolingReorder``).
  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let layers = containedLayers
    var value = x
    var index = 0
    while index < layers.count {
      if index + 1 < layers.count,
        let pooled = try ReluPoolingReorder.apply(
          layers[index], then: layers[index + 1], to: value, training: training)
      {
        value = pooled
        index += 2
      } else {
        value = try layers[index].apply([value], training: training)
        index += 1
      }
    }
    return value
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    var shape = inputShapes.first ?? []
    for layer in containedLayers { shape = try layer.computeOutputShape([shape]) }
    return shape
  }

  /// Keras's Sequential config: the layers, led by an `InputLayer` once the input shape is
  /// known, and `build_input_shape`.
  public override var config: [String: ConfigValue] { sequentialConfig }

  /// Each layer's output shape, from the build shape.
  var outputShapes: [Shape] {
    guard let start = buildShape ?? input?.shape else { return [] }
    var shape = start
    return containedLayers.map { layer in
      shape = (try? layer.computeOutputShape([shape])) ?? shape
      return shape
    }
  }
}

/// The base of the elementwise merging layers (``Multiply``, ``Subtract``, ``Average``,
/// ``Maximum``, ``Minimum``): at least two inputs of one shape in, that shape out.
///
/// Equivalent to Keras's `keras.src.layers.merging.base_merge.Merge`.
public class Merge: Layer {
  /// The steps any input keeps (the inputs' masks combined with OR; none when an input has
  /// no mask), as Keras's merge layers.
  public override var supportsMasking: Bool { true }

  public override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    try Layer.anyMasks(inputs)
  }

  /// How many inputs the layer takes: `exact` (Subtract's 2) or at least 2.
  let exactInputCount: Int?

  init(exactInputCount: Int? = nil, name: String?) {
    self.exactInputCount = exactInputCount
    super.init(name: name)
  }

  /// The input shapes it was built for, batch axis -1 (for `build_config`).
  private(set) var builtInputShapes: [Shape]?

  public override func build(inputShapes: [Shape]) throws {
    defer { builtInputShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) } }
    try checkCount(inputShapes.count)
    guard let first = inputShapes.first else { return }
    for shape in inputShapes where shape.dims.dropFirst() != first.dims.dropFirst() {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "every input shaped \(first)", received: "\(shape)")
    }
  }

  private func checkCount(_ count: Int) throws {
    if let exactInputCount, count != exactInputCount {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "needs exactly \(exactInputCount) inputs, received \(count)")
    }
    guard count >= 2 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "needs at least 2 inputs, received \(count)")
    }
  }

  public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    try checkCount(inputs.count)
    guard let first = inputs.first else {
      throw PlexusError.invalidArgument(context: "Layer \(identity)", message: "no inputs")
    }
    for input in inputs.dropFirst() where input.shape != first.shape {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "\(first.shape)", received: "\(input.shape)")
    }
    return try merge(inputs)
  }

  /// Combines inputs of one shape (at least two; checked).
  func merge(_ inputs: [Tensor]) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "Layer \(identity)", message: "a merging layer must override merge(_:)")
  }

  /// Folds `combine` over the inputs from the first.
  func fold(_ inputs: [Tensor], _ combine: (Tensor, Tensor) throws -> Tensor) throws -> Tensor {
    guard var result = inputs.first else {
      throw PlexusError.invalidArgument(context: "Layer \(identity)", message: "no inputs")
    }
    for input in inputs.dropFirst() { result = try combine(result, input) }
    return result
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  /// Reads a merging layer's config, which holds the shared settings only.
  static func make(_ config: ConfigReader, _ make: (String?) -> Merge) throws -> Layer {
    let settings = try LayerSettings(config)
    return try settings.finish(config, make(settings.name))
  }
}

extension Merge: MultiInputLayer {}

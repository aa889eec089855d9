/// Adds several inputs of the same shape elementwise.
///
/// Equivalent to `keras.layers.Add`.
public final class Add: Layer {
  /// The steps any input keeps (the inputs' masks combined with OR; none when an input has
  /// no mask), as Keras's merge layers.
  public override var supportsMasking: Bool { true }

  public override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    try Layer.anyMasks(inputs)
  }

  /// Creates the layer.
  public override init(name: String? = nil) { super.init(name: name) }

  /// The input shapes it was built for, batch axis -1 (for `build_config`).
  private(set) var builtInputShapes: [Shape]?

  public override func build(inputShapes: [Shape]) throws {
    defer { builtInputShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) } }
    guard inputShapes.count >= 2, let first = inputShapes.first else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "needs at least 2 inputs, received \(inputShapes.count)")
    }
    for shape in inputShapes where shape.dims.dropFirst() != first.dims.dropFirst() {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "every input shaped \(first)", received: "\(shape)")
    }
  }

  public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    guard var total = inputs.first else {
      throw PlexusError.invalidArgument(context: "Layer \(identity)", message: "no inputs")
    }
    for input in inputs.dropFirst() {
      guard input.shape == total.shape else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)", expected: "\(total.shape)", received: "\(input.shape)")
      }
      total = try Ops.add(total, input)
    }
    return total
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }
}

extension Add: MultiInputLayer {}

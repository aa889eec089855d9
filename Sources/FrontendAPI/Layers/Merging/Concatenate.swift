/// Joins several inputs along `axis` (the last by default); the other axes must match.
///
/// Equivalent to `keras.layers.Concatenate`.
public final class Concatenate: Layer {
  /// The axis inputs are joined along.
  public let axis: Int

  /// Creates the layer.
  public init(axis: Int = -1, name: String? = nil) {
    self.axis = axis
    super.init(name: name)
  }

  /// The input shapes it was built for, batch axis -1 (for `build_config`).
  private(set) var builtInputShapes: [Shape]?

  public override func build(inputShapes: [Shape]) throws {
    defer { builtInputShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) } }
    guard inputShapes.count >= 2 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "needs at least 2 inputs, received \(inputShapes.count)")
    }
  }

  /// Joins the inputs' masks as Keras's: an unmasked input counts as kept everywhere, a mask
  /// one axis short is widened to its input, the masks are joined along `axis`, and a step is
  /// kept where any feature is (the output's mask, without the last axis); none when no input
  /// has a mask.
  public override var supportsMasking: Bool { true }

  public override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    guard inputs.contains(where: { $0.mask != nil }) else { return nil }
    let masks = try inputs.map { input -> Tensor in
      guard let mask = input.mask else {
        return try Ops.cast(Ops.onesLike(input), to: .bool)
      }
      let kept = try Ops.cast(mask, to: .bool)
      guard kept.rank < input.rank else { return kept }
      let widened = try Ops.expandDims(kept, axis: -1)
      // As Keras's logical_or with zeros: the mask broadcast to the input's shape.
      return try Ops.logicalOr(widened, Ops.cast(Ops.zerosLike(input), to: .bool))
    }
    let joined = try Ops.concatenate(masks, axis: axis)
    let any = try Ops.max(Ops.cast(joined, to: .float32), axes: [-1])
    return try Ops.greater(any, Tensor.scalar(0, dtype: .float32))
  }

  public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    do {
      return try Ops.concatenate(inputs, axis: axis)
    } catch let error as PlexusError {
      throw PlexusError.invalidArgument(context: "Layer \(identity)", message: error.description)
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let first = inputShapes.first,
      let resolved = Shape.normalize(axis: axis, rank: first.rank)
    else { return [] }
    var dims = first.dims
    let sizes = inputShapes.map { $0.rank > resolved ? $0[resolved] : -1 }
    dims[resolved] = sizes.contains { $0 < 0 } ? -1 : sizes.reduce(0, +)
    return Shape(dims)
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": .int(axis)]) { $1 }
  }
}

extension Concatenate: MultiInputLayer {}

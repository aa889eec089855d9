/// Steps cut from the start and the end of a `(batch, steps, features)` input.
///
/// ```swift
/// Cropping1D(cropping: (2, 1))   // drops the first 2 steps and the last one
/// ```
/// Equivalent to `keras.layers.Cropping1D`.
public final class Cropping1D: Layer {
  /// The steps cut from the start and from the end.
  public let cropping: (start: Int, end: Int)

  /// Creates the layer cutting `cropping` steps from each end.
  public convenience init(cropping: Int = 1, name: String? = nil) {
    self.init(cropping: (cropping, cropping), name: name)
  }

  /// Creates the layer cutting `cropping.0` steps from the start and `cropping.1` from the end.
  public init(cropping: (Int, Int), name: String? = nil) {
    self.cropping = cropping
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 3) }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let size = try computeOutputShape([x.shape])
    return try Ops.slice(x, starts: [0, cropping.start, 0], sizes: size.dims)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard cropping.start >= 0, cropping.end >= 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "cropping must be non-negative integers, received \(cropping)")
    }
    guard let shape = inputShapes.first, shape.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 3, (batch, steps, features)",
        received: "\(inputShapes)")
    }
    var dims = shape.dims
    if dims[1] >= 0 {
      // Compared without adding, so that amounts near Int.max cannot overflow.
      guard cropping.start < dims[1], cropping.end < dims[1] - cropping.start else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)",
          expected: "more steps than the cropping \(cropping)", received: "\(shape)")
      }
      dims[1] -= cropping.start + cropping.end
    }
    return Shape(dims)
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["cropping": [.int(cropping.start), .int(cropping.end)]]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let layer = Cropping1D(
      cropping: try config.amountPair("cropping", default: (1, 1)), name: settings.name)
    guard layer.cropping.start >= 0, layer.cropping.end >= 0 else {
      throw config.mismatch("cropping", "non-negative integers")
    }
    return try settings.finish(config, layer)
  }
}

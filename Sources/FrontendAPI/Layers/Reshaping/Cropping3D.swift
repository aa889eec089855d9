/// Cuts cells off the edges of a volume: `cropping` cells before and after along depth,
/// height and width.
///
/// ```swift
/// let y = try Cropping3D(cropping: 1)(x)   // (batch, 6, 7, 8, 3) → (batch, 4, 5, 6, 3)
/// ```
/// One amount for every side, one per axis, or a `(before, after)` pair per axis. Input
/// `(batch, depth, height, width, channels)`. Channels-last only. Equivalent to
/// `keras.layers.Cropping3D`.
public final class Cropping3D: Layer {
  /// `(before, after)` for depth, height and width.
  public let cropping: [(Int, Int)]

  /// The same amount on both sides: one for every axis, or one per axis.
  public init(cropping: SpatialSize = 1, name: String? = nil) {
    self.cropping = cropping.perAxis(3).map { ($0, $0) }
    super.init(name: name)
  }

  /// `(before, after)` for depth, height and width.
  public init(cropping: ((Int, Int), (Int, Int), (Int, Int)), name: String? = nil) {
    self.cropping = [cropping.0, cropping.1, cropping.2]
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 5) }

  /// Checks the amounts; errors name the layer.
  func validate() throws {
    guard cropping.count == 3, cropping.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "cropping must be one, three or three pairs of non-negative integers, "
          + "received \(cropping)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let size = try computeOutputShape([x.shape])
    return try Ops.slice(x, starts: [0] + cropping.map(\.0) + [0], sizes: size.dims)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    try validate()
    guard let shape = inputShapes.first, shape.rank == 5 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 5",
        received: "\(inputShapes)")
    }
    var dims = shape.dims
    for axis in 1...3 where dims[axis] >= 0 {
      let (before, after) = cropping[axis - 1]
      // Compared without adding, so that amounts near Int.max cannot overflow.
      guard before < dims[axis], after < dims[axis] - before else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)",
          expected: "spatial sizes larger than the cropping \(cropping)", received: "\(shape)")
      }
      dims[axis] -= before + after
    }
    return Shape(dims)
  }

  /// Keras's config: the pairs and the data format.
  public override var config: [String: ConfigValue] {
    super.config.merging(["cropping": .pairs(cropping), "data_format": "channels_last"]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let pairs = try config.pairs("cropping", axes: 3, default: [(1, 1), (1, 1), (1, 1)])
    let layer = Cropping3D(cropping: (pairs[0], pairs[1], pairs[2]), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

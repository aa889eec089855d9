/// Removes rows and columns from the edges of each image:
/// `(batch, height, width, channels)` → `(batch, height - top - bottom, width - left - right,
/// channels)`.
///
/// ```swift
/// Cropping2D(cropping: 2)                   // two cells off every side
/// Cropping2D(cropping: ((1, 0), (0, 2)))    // (top, bottom), (left, right)
/// ```
/// What is cropped must leave at least one row and one column. Channels-last only.
/// Equivalent to `keras.layers.Cropping2D`.
public final class Cropping2D: Layer {
  /// `[(top, bottom), (left, right)]`.
  public let cropping: [(Int, Int)]

  /// Crops symmetrically: one amount for every side, or `[vertical, horizontal]`.
  public init(cropping: SpatialSize = 0, name: String? = nil) {
    self.cropping = cropping.perAxis(2).map { ($0, $0) }
    super.init(name: name)
  }

  /// Crops by `((top, bottom), (left, right))`.
  public init(cropping: ((Int, Int), (Int, Int)), name: String? = nil) {
    self.cropping = [cropping.0, cropping.1]
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 4) }

  /// Checks the settings; errors name the layer.
  func validate() throws {
    guard cropping.count == 2, cropping.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "cropping must be one, two or two pairs of non-negative integers, received "
          + "\(cropping)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let size = try computeOutputShape([x.shape])
    return try Ops.slice(x, starts: [0, cropping[0].0, cropping[1].0, 0], sizes: size.dims)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    try validate()
    guard let shape = inputShapes.first, shape.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 4",
        received: "\(inputShapes)")
    }
    var dims = shape.dims
    for axis in 1...2 where dims[axis] >= 0 {
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

  /// Keras's Cropping2D config.
  public override var config: [String: ConfigValue] {
    super.config.merging(["cropping": .pairs(cropping), "data_format": "channels_last"]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let pairs = try config.pairs("cropping", axes: 2, default: [(0, 0), (0, 0)])
    let layer = Cropping2D(cropping: (pairs[0], pairs[1]), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

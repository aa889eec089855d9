/// Adds rows and columns of zeros around each image:
/// `(batch, height, width, channels)` → `(batch, top + height + bottom, left + width + right,
/// channels)`.
///
/// ```swift
/// ZeroPadding2D(padding: 1)                  // one ring of zeros
/// ZeroPadding2D(padding: [1, 2])             // 1 above and below, 2 left and right
/// ZeroPadding2D(padding: ((1, 0), (2, 1)))   // (top, bottom), (left, right)
/// ```
/// Channels-last only. Equivalent to `keras.layers.ZeroPadding2D`.
public final class ZeroPadding2D: Layer {
  /// `[(top, bottom), (left, right)]`.
  public let padding: [(Int, Int)]

  /// Pads symmetrically: one amount for every side, or `[vertical, horizontal]`.
  public init(padding: SpatialSize = 1, name: String? = nil) {
    self.padding = padding.perAxis(2).map { ($0, $0) }
    super.init(name: name)
  }

  /// Pads by `((top, bottom), (left, right))`.
  public init(padding: ((Int, Int), (Int, Int)), name: String? = nil) {
    self.padding = [padding.0, padding.1]
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 4) }

  /// Checks the settings; errors name the layer.
  func validate() throws {
    guard padding.count == 2, padding.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "padding must be one, two or two pairs of non-negative integers, received "
          + "\(padding)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try namingErrors { try Ops.pad(x, [(0, 0), padding[0], padding[1], (0, 0)]) }
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
      let (before, after) = padding[axis - 1]
      guard before <= Shape.maximumElementCount, after <= Shape.maximumElementCount else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)", message: "padding \(padding) is too large")
      }
      dims[axis] += before + after
    }
    _ = try Shape(dims.map { Swift.max($0, 0) }).validated(context: "Layer \(identity)")
    return Shape(dims)
  }

  /// Keras's ZeroPadding2D config.
  public override var config: [String: ConfigValue] {
    super.config.merging(["padding": .pairs(padding), "data_format": "channels_last"]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let pairs = try config.pairs("padding", axes: 2, default: [(1, 1), (1, 1)])
    let layer = ZeroPadding2D(padding: (pairs[0], pairs[1]), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

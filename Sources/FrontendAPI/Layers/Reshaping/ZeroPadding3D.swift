/// Zeros around a volume: `padding` cells before and after along depth, height and width.
///
/// ```swift
/// let y = try ZeroPadding3D(padding: 1)(x)   // (batch, 4, 5, 6, 3) → (batch, 6, 7, 8, 3)
/// ```
/// One amount for every side, one per axis, or a `(before, after)` pair per axis. Input
/// `(batch, depth, height, width, channels)`. Channels-last only. Equivalent to
/// `keras.layers.ZeroPadding3D`.
public final class ZeroPadding3D: Layer {
  /// `(before, after)` for depth, height and width.
  public let padding: [(Int, Int)]

  /// The same amount on both sides: one for every axis, or one per axis.
  public init(padding: SpatialSize = 1, name: String? = nil) {
    self.padding = padding.perAxis(3).map { ($0, $0) }
    super.init(name: name)
  }

  /// `(before, after)` for depth, height and width.
  public init(padding: ((Int, Int), (Int, Int), (Int, Int)), name: String? = nil) {
    self.padding = [padding.0, padding.1, padding.2]
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 5) }

  /// Checks the amounts; errors name the layer.
  func validate() throws {
    guard padding.count == 3, padding.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "padding must be one, three or three pairs of non-negative integers, received "
          + "\(padding)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try namingErrors { try Ops.pad(x, [(0, 0)] + padding + [(0, 0)]) }
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

  /// Keras's config: the pairs and the data format.
  public override var config: [String: ConfigValue] {
    super.config.merging(["padding": .pairs(padding), "data_format": "channels_last"]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let pairs = try config.pairs("padding", axes: 3, default: [(1, 1), (1, 1), (1, 1)])
    let layer = ZeroPadding3D(padding: (pairs[0], pairs[1], pairs[2]), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

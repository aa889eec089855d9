/// Repeats each cell of a volume `size` times along depth, height and width (nearest
/// neighbour).
///
/// ```swift
/// let y = try UpSampling3D(size: 2)(x)   // (batch, 4, 5, 6, 3) → (batch, 8, 10, 12, 3)
/// ```
/// One factor for every axis, or one per axis. Input `(batch, depth, height, width,
/// channels)`. Channels-last only. Equivalent to `keras.layers.UpSampling3D`.
public final class UpSampling3D: Layer {
  /// The factor for depth, height and width.
  public let size: [Int]

  /// Creates the layer.
  public init(size: SpatialSize = 2, name: String? = nil) {
    self.size = size.perAxis(3)
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 5) }

  /// Checks the factors; errors name the layer.
  func validate() throws {
    guard size.count == 3, size.allSatisfy({ $0 > 0 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "size must be one or three positive integers, received \(size)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let out = try computeOutputShape([x.shape])
    return try namingErrors {
      let (n, d, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
      let cells = try Ops.reshape(x, [n, d, 1, h, 1, w, 1, c])
      let repeated = try Ops.broadcastTo(cells, [n, d, size[0], h, size[1], w, size[2], c])
      return try Ops.reshape(repeated, out)
    }
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
      let (scaled, overflow) = dims[axis].multipliedReportingOverflow(by: size[axis - 1])
      guard !overflow else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)", message: "size \(size) is too large for \(shape)")
      }
      dims[axis] = scaled
    }
    _ = try Shape(dims.map { Swift.max($0, 0) }).validated(context: "Layer \(identity)")
    return Shape(dims)
  }

  /// Keras's config: the factors and the data format.
  public override var config: [String: ConfigValue] {
    super.config.merging(["size": .ints(size), "data_format": "channels_last"]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let layer = UpSampling3D(
      size: SpatialSize(try config.spatial("size", rank: 3, default: [2, 2, 2])),
      name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

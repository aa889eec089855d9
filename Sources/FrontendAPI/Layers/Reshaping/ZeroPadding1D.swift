/// Zeros added before and after the steps of a `(batch, steps, features)` input.
///
/// ```swift
/// ZeroPadding1D(padding: 2)          // 2 steps on each side
/// ZeroPadding1D(padding: (1, 3))     // 1 before, 3 after
/// ```
/// Equivalent to `keras.layers.ZeroPadding1D` (channels-last).
public final class ZeroPadding1D: Layer {
  /// The steps added before and after.
  public let padding: (before: Int, after: Int)

  /// Creates the layer with `padding` steps on each side.
  public convenience init(padding: Int = 1, name: String? = nil) {
    self.init(padding: (padding, padding), name: name)
  }

  /// Creates the layer with `padding.0` steps before and `padding.1` after.
  public init(padding: (Int, Int), name: String? = nil) {
    self.padding = padding
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 3) }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try namingErrors { try Ops.pad(x, [(0, 0), padding, (0, 0)]) }
  }

  func validate() throws {
    guard padding.before >= 0, padding.after >= 0,
      padding.before <= Shape.maximumElementCount, padding.after <= Shape.maximumElementCount
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "padding must be non-negative integers that fit a shape, received \(padding)")
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    try validate()
    guard let shape = inputShapes.first, shape.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 3, (batch, steps, features)",
        received: "\(inputShapes)")
    }
    var dims = shape.dims
    if dims[1] >= 0 { dims[1] += padding.before + padding.after }
    _ = try Shape(dims.map { Swift.max($0, 0) }).validated(context: "Layer \(identity)")
    return Shape(dims)
  }

  public override var config: [String: ConfigValue] {
    super.config.merging([
      "padding": [.int(padding.before), .int(padding.after)], "data_format": "channels_last",
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let layer = ZeroPadding1D(
      padding: try config.amountPair("padding", default: (1, 1)), name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

/// Each step of a `(batch, steps, features)` input repeated `size` times.
///
/// ```swift
/// UpSampling1D(size: 3)   // (batch, 4, 8) → (batch, 12, 8)
/// ```
/// Equivalent to `keras.layers.UpSampling1D`.
public final class UpSampling1D: Layer {
  /// The repeats of each step, ≥ 1.
  public let size: Int

  /// Creates the layer.
  public init(size: Int = 2, name: String? = nil) {
    self.size = size
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 3) }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let out = try computeOutputShape([x.shape])
    let (n, steps, features) = (x.shape[0], x.shape[1], x.shape[2])
    let cells = try Ops.reshape(x, [n, steps, 1, features])
    return try Ops.reshape(Ops.broadcastTo(cells, [n, steps, size, features]), out)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard size >= 1 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "size must be ≥ 1, received \(size)")
    }
    guard let shape = inputShapes.first, shape.rank == 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 3, (batch, steps, features)",
        received: "\(inputShapes)")
    }
    var dims = shape.dims
    if dims[1] >= 0 {
      let (steps, overflow) = dims[1].multipliedReportingOverflow(by: size)
      guard !overflow, steps <= Shape.maximumElementCount else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)", message: "size \(size) makes too many steps")
      }
      dims[1] = steps
    }
    _ = try Shape(dims.map { Swift.max($0, 0) }).validated(context: "Layer \(identity)")
    return Shape(dims)
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["size": .int(size)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let size = try config.optionalInt("size") ?? 2
    guard size >= 1 else { throw config.mismatch("size", "an integer ≥ 1") }
    return try settings.finish(config, UpSampling1D(size: size, name: settings.name))
  }
}

/// Rescales values: `output = x · scale + offset`, e.g. pixels in `[0, 255]` to `[0, 1]` with
/// `scale: 1 / 255`. Any shape in, the same shape out; integer inputs become float32.
///
/// ```swift
/// Rescaling(1.0 / 127.5, offset: -1)   // [0, 255] → [-1, 1]
/// ```
/// Equivalent to `keras.layers.Rescaling`.
public final class Rescaling: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The factor, finite.
  public let scale: Double
  /// Added after scaling, finite.
  public let offset: Double

  /// Creates the layer.
  public init(_ scale: Double, offset: Double = 0, name: String? = nil) {
    self.scale = scale
    self.offset = offset
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard scale.isFinite, offset.isFinite else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "scale and offset must be finite, received \(scale) and \(offset)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let x = x.dtype.isFloatingPoint ? x : try Ops.cast(x, to: .float32)
    let scaled = try Ops.multiply(x, Tensor.scalar(scale, dtype: x.dtype))
    return offset == 0 ? scaled : try Ops.add(scaled, Tensor.scalar(offset, dtype: x.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["scale": .double(scale), "offset": .double(offset)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let scale = try config.double("scale")
    let offset = try config.double("offset", default: 0)
    guard scale.isFinite else { throw config.mismatch("scale", "a finite number") }
    guard offset.isFinite else { throw config.mismatch("offset", "a finite number") }
    return try settings.finish(config, Rescaling(scale, offset: offset, name: settings.name))
  }
}

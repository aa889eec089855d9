/// The exponential linear unit: `x` for `x > 0`, `alpha · (exp(x) - 1)` below.
///
/// ```swift
/// ELU()            // alpha 1
/// ELU(alpha: 0.5)
/// ```
/// Any shape in, the same shape out. Equivalent to `keras.layers.ELU`.
public final class ELU: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The scale of the negative part, finite.
  public let alpha: Double

  /// Creates the layer.
  public init(alpha: Double = 1, name: String? = nil) {
    self.alpha = alpha
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard alpha.isFinite else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "alpha must be finite, received \(alpha)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let zero = try Tensor.scalar(0, dtype: x.dtype)
    let negative = try Ops.expm1(Ops.minimum(x, zero)) * alpha
    return try Ops.where(try Ops.greater(x, zero), x, negative)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["alpha": .double(alpha)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let alpha = try config.double("alpha", default: 1)
    guard alpha.isFinite else { throw config.mismatch("alpha", "a finite number") }
    return try settings.finish(config, ELU(alpha: alpha, name: settings.name))
  }
}

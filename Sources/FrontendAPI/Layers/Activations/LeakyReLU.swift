/// The leaky rectified linear unit: `x` for `x ≥ 0`, `negativeSlope · x` below.
///
/// ```swift
/// LeakyReLU()                     // Keras's default slope, 0.3
/// LeakyReLU(negativeSlope: 0.01)
/// ```
/// Any shape in, the same shape out. Equivalent to `keras.layers.LeakyReLU`.
public final class LeakyReLU: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The slope below 0, finite and ≥ 0.
  public let negativeSlope: Double

  /// Creates the layer.
  public init(negativeSlope: Double = 0.3, name: String? = nil) {
    self.negativeSlope = negativeSlope
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard negativeSlope.isFinite, negativeSlope >= 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "negativeSlope must be finite and ≥ 0, received \(negativeSlope)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try Ops.where(Ops.greaterEqual(x, Tensor.scalar(0, dtype: x.dtype)), x, x * negativeSlope)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["negative_slope": .double(negativeSlope)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    // Keras still reads its deprecated name, `alpha`, which wins over `negative_slope`.
    let given = try config.double("negative_slope", default: 0.3)
    let slope = try config.optionalDouble("alpha") ?? given
    guard slope.isFinite, slope >= 0 else {
      throw config.mismatch("negative_slope", "a finite number ≥ 0")
    }
    return try settings.finish(config, LeakyReLU(negativeSlope: slope, name: settings.name))
  }
}

/// Multiplicative noise while training: each value times a draw from `N(1, rate / (1 - rate))`
/// (the variance of a dropout of `rate`, without zeros); the identity at inference.
///
/// ```swift
/// GaussianDropout(0.2)
/// ```
/// Draws from the global seeded stream unless a `seed` is given. Equivalent to
/// `keras.layers.GaussianDropout`.
public final class GaussianDropout: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The dropout rate the noise imitates, in [0, 1).
  public let rate: Double
  /// The layer's own seed, or nil for the global stream.
  public var seed: Int? { stream.seed }
  private let stream: SeedStream

  /// Creates the layer.
  public init(_ rate: Double, seed: Int? = nil, name: String? = nil) {
    self.rate = rate
    self.stream = SeedStream(seed)
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    // Keras takes 1 too, whose noise has an infinite spread: every output NaN or infinite.
    guard (0..<1).contains(rate) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "rate must be in [0, 1), received \(rate)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard training, rate > 0 else { return x }
    let stddev = (rate / (1 - rate)).squareRoot()
    let noise = try stream.draw {
      try Ops.randomNormal(x.shape, mean: 1, stddev: stddev, dtype: x.dtype)
    }
    return try Ops.multiply(x, noise)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["rate": .double(rate), "seed": .optional(seed.map(ConfigValue.int))]) {
      $1
    }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let rate = try config.double("rate")
    guard (0..<1).contains(rate) else { throw config.mismatch("rate", "a number in [0, 1)") }
    let seed = try config.optionalInt("seed")
    return try settings.finish(config, GaussianDropout(rate, seed: seed, name: settings.name))
  }
}

/// Adds zero-mean normal noise of standard deviation `stddev` while training; the identity at
/// inference. Any shape in, the same shape out.
///
/// ```swift
/// GaussianNoise(0.1)
/// ```
/// With a `seed`, the noise repeats from run to run (each call draws anew); without one it
/// comes from the process's seeded stream.
/// Equivalent to `keras.layers.GaussianNoise`.
public final class GaussianNoise: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The standard deviation of the noise, finite and ≥ 0.
  public let stddev: Double
  /// The seed of the layer's own stream, if any.
  public var seed: Int? { stream.seed }
  private let stream: SeedStream

  /// Creates the layer.
  public init(_ stddev: Double, seed: Int? = nil, name: String? = nil) {
    self.stddev = stddev
    self.stream = SeedStream(seed)
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard stddev.isFinite, stddev >= 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "stddev must be finite and ≥ 0, received \(stddev)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard training, stddev > 0 else { return x }
    let noise = try stream.draw { try Ops.randomNormal(x.shape, stddev: stddev, dtype: x.dtype) }
    return try Ops.add(x, noise)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["stddev": .double(stddev), "seed": .optional(seed.map(ConfigValue.int))])
    { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let stddev = try config.double("stddev")
    guard stddev.isFinite, stddev >= 0 else {
      throw config.mismatch("stddev", "a finite number ≥ 0")
    }
    let seed = try config.optionalInt("seed")
    return try settings.finish(config, GaussianNoise(stddev, seed: seed, name: settings.name))
  }
}

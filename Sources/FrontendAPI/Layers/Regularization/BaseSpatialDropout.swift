/// What ``SpatialDropout1D`` and ``SpatialDropout2D`` share: while training, each channel of
/// each sample is either zeroed over every spatial position or kept and scaled by
/// `1 / (1 - rate)`; the identity at inference.
///
/// Input and output `(batch, *spatial, channels)` (channels last).
/// Equivalent to Keras's `keras.src.layers.regularization.spatial_dropout.BaseSpatialDropout`.
public class BaseSpatialDropout: Layer {
  /// Passes its input's mask on, as Keras's dropout layers.
  public override var supportsMasking: Bool { true }

  /// The fraction of channels dropped, in `[0, 1)`.
  public let rate: Double
  /// The seed of the layer's own stream, if any.
  public var seed: Int? { stream.seed }
  private let stream: SeedStream
  /// The number of spatial axes (1 or 2).
  private let spatialAxes: Int
  /// The expected input as error messages name it, `"(batch, steps, channels)"`.
  private let layout: String

  init(_ rate: Double, seed: Int?, spatialAxes: Int, layout: String, name: String?) {
    self.rate = rate
    self.stream = SeedStream(seed)
    self.spatialAxes = spatialAxes
    self.layout = layout
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard Dropout.validRates.contains(rate) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "rate must be in [0, 1), received \(rate)")
    }
    try checkRank(inputShape)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard training, rate > 0 else { return x }
    try checkRank(x.shape)
    let noise = Shape(
      [x.shape[0]] + [Int](repeating: 1, count: spatialAxes) + [x.shape[spatialAxes + 1]])
    return try droppingSlices(x, rate: rate, noiseShape: noise, stream: stream)
  }

  private func checkRank(_ shape: Shape) throws {
    guard shape.rank == spatialAxes + 2 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank \(spatialAxes + 2), \(layout)",
        received: "\(shape)")
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  /// Keras's config, which (unlike most layers') holds no `trainable` and the dtype as a name.
  public override var config: [String: ConfigValue] {
    [
      "rate": .double(rate), "seed": .optional(seed.map(ConfigValue.int)), "name": .string(name),
      "dtype": "float32",
    ]
  }

  /// Reads and checks `rate`, then finishes the layer `create` makes from the rate and the name
  /// (reading anything else it needs from `config`).
  static func make(
    _ config: ConfigReader, creating create: (Double, String?) throws -> BaseSpatialDropout
  ) throws -> Layer {
    let settings = try LayerSettings(config)
    let rate = try config.double("rate")
    guard Dropout.validRates.contains(rate) else {
      throw config.mismatch("rate", "a number in [0, 1)")
    }
    return try settings.finish(config, try create(rate, settings.name))
  }
}

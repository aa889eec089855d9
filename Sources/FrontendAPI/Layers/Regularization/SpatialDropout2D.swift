/// Drops whole feature maps: while training, each channel of each sample is either zeroed
/// over all rows and columns or kept and scaled by `1 / (1 - rate)`; the identity at inference.
/// Input and output `(batch, rows, cols, channels)` (channels last).
///
/// ```swift
/// SpatialDropout2D(0.2)
/// ```
/// Neighbouring rows and columns are strongly correlated in such inputs, so dropping single values would
/// regularize little. Equivalent to `keras.layers.SpatialDropout2D`.
public final class SpatialDropout2D: Layer {
  /// The fraction of channels dropped, in `[0, 1)`.
  public let rate: Double
  /// The seed of the layer's own stream, if any.
  public var seed: Int? { stream.seed }
  private let stream: SeedStream

  /// Creates the layer.
  public init(_ rate: Double, seed: Int? = nil, name: String? = nil) {
    self.rate = rate
    self.stream = SeedStream(seed)
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard Dropout.validRates.contains(rate) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "rate must be in [0, 1), received \(rate)")
    }
    guard inputShape.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 4, (batch, rows, cols, channels)",
        received: "\(inputShape)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard training, rate > 0 else { return x }
    guard x.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 4, (batch, rows, cols, channels)",
        received: "\(x.shape)")
    }
    let noise = Shape([x.shape[0]] + [Int](repeating: 1, count: 2) + [x.shape[3]])
    return try droppingSlices(x, rate: rate, noiseShape: noise, stream: stream)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  /// Keras's config, which (unlike most layers') holds no `trainable` and the dtype as a name.
  public override var config: [String: ConfigValue] {
    [
      "rate": .double(rate), "seed": .optional(seed.map(ConfigValue.int)), "name": .string(name),
      "dtype": "float32", "data_format": "channels_last",
    ]
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let rate = try config.double("rate")
    guard Dropout.validRates.contains(rate) else {
      throw config.mismatch("rate", "a number in [0, 1)")
    }
    try config.requireChannelsLast()
    let layer = SpatialDropout2D(rate, seed: try config.optionalInt("seed"), name: settings.name)
    return try settings.finish(config, layer)
  }
}

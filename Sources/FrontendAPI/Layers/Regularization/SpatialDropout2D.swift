/// Drops whole feature maps: while training, each channel of each sample is either zeroed
/// over all rows and columns or kept and scaled by `1 / (1 - rate)`; the identity at inference.
/// Input and output `(batch, rows, cols, channels)` (channels last).
///
/// ```swift
/// SpatialDropout2D(0.2)
/// ```
/// Neighbouring rows and columns are strongly correlated in such inputs, so dropping single values would
/// regularize little. Equivalent to `keras.layers.SpatialDropout2D`.
public final class SpatialDropout2D: BaseSpatialDropout {
  /// Creates the layer.
  public init(_ rate: Double, seed: Int? = nil, name: String? = nil) {
    super.init(
      rate, seed: seed, spatialAxes: 2, layout: "(batch, rows, cols, channels)", name: name)
  }

  /// Keras's config, which (unlike most layers') holds no `trainable` and the dtype as a name.
  public override var config: [String: ConfigValue] {
    super.config.merging(["data_format": "channels_last"]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    try make(config) { rate, name in
      try config.requireChannelsLast()
      return SpatialDropout2D(rate, seed: try config.optionalInt("seed"), name: name)
    }
  }
}

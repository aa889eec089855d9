/// Drops whole feature maps: while training, each channel of each sample is either zeroed
/// over all steps or kept and scaled by `1 / (1 - rate)`; the identity at inference.
/// Input and output `(batch, steps, channels)` (channels last).
///
/// ```swift
/// SpatialDropout1D(0.2)
/// ```
/// Neighbouring steps are strongly correlated in such inputs, so dropping single values would
/// regularize little. Equivalent to `keras.layers.SpatialDropout1D`.
public final class SpatialDropout1D: BaseSpatialDropout {
  /// Creates the layer.
  public init(_ rate: Double, seed: Int? = nil, name: String? = nil) {
    super.init(rate, seed: seed, spatialAxes: 1, layout: "(batch, steps, channels)", name: name)
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    try make(config) { rate, name in
      SpatialDropout1D(rate, seed: try config.optionalInt("seed"), name: name)
    }
  }
}

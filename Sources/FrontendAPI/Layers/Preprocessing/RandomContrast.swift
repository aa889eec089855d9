/// Changes each image's contrast, while training: `(x - mean) · c + mean` per channel, `mean`
/// over the image's pixels and `c` drawn uniformly from `[1 - lower, 1 + upper]` of `factor`,
/// then clipped to `valueRange`.
///
/// ```swift
/// let augment = try RandomContrast(0.2, valueRange: (0, 1))
/// ```
/// As Keras 3 reads it, one number `f` gives the range `[0, f]`, so `c` is drawn from
/// `[1, 1 + f]`. The transformation is one contrast factor per image. Equivalent to
/// `keras.layers.RandomContrast`.
public final class RandomContrast: ImageAugmentation {
  /// The range of the factor: contrast factors are drawn from `[1 - lower, 1 + upper]`.
  public private(set) var factor: (lower: Double, upper: Double) = (0, 0)
  /// The range the outputs are clipped to (`clip(x, lower, upper)`, as given).
  public let valueRange: (lower: Double, upper: Double)

  /// Creates the layer with the range `[0, |factor|]`, `factor` in [0, 1]. Throws otherwise,
  /// or for a value range that is not two finite numbers.
  public convenience init(
    _ factor: Double, valueRange: (lower: Double, upper: Double) = (0, 255), seed: Int? = nil,
    name: String? = nil
  ) throws {
    try self.init(given: [factor], valueRange: valueRange, seed: seed, name: name)
  }

  /// Creates the layer with the range `[lower, upper]` (sorted), within [0, 1].
  public convenience init(
    _ factor: (lower: Double, upper: Double),
    valueRange: (lower: Double, upper: Double) = (0, 255), seed: Int? = nil, name: String? = nil
  ) throws {
    try self.init(
      given: [factor.lower, factor.upper], valueRange: valueRange, seed: seed, name: name)
  }

  init(given: [Double], valueRange: (lower: Double, upper: Double), seed: Int?, name: String?)
    throws
  {
    self.valueRange = valueRange
    super.init(seed: seed, name: name)
    factor = try Self.baseFactorRange(given, bounds: (0, 1), label: "factor", layer: identity)
    // Keras keeps the range as given (clipping to an inverted one gives its lower end).
    try Self.checkValueRange(valueRange, ordered: false, layer: identity)
  }

  /// Keras's draw: a contrast factor per image.
  override func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    try uniform([batch], (1 - factor.lower, 1 + factor.upper))
  }

  override func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    let factors = try Ops.reshape(
      checkTransformation(transformation, images, columns: nil), [images.shape[0], 1, 1, 1])
    let mean = try Ops.mean(Ops.mean(images, axes: [1], keepDims: true), axes: [2], keepDims: true)
    let adjusted = try Ops.add(Ops.multiply(Ops.subtract(images, mean), factors), mean)
    return try Ops.clip(adjusted, min: valueRange.lower, max: valueRange.upper)
  }

  /// Keras's config: `factor` as the range, `value_range`.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "factor": Self.rangeValue(factor),
      "value_range": Self.rangeValue(valueRange),
    ]) { $1 }
  }
}

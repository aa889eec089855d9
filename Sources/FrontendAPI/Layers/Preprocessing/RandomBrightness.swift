/// Brightens or darkens each image, while training, by adding a delta drawn uniformly from
/// `factor` (fractions of `valueRange`'s width: `0.2` is up to ±20%), then clipping to
/// `valueRange`.
///
/// ```swift
/// let augment = try RandomBrightness(0.2, valueRange: (0, 1))
/// ```
/// The transformation is one delta per image, in pixel values. Equivalent to
/// `keras.layers.RandomBrightness`.
public final class RandomBrightness: ImageAugmentation {
  /// The range of the delta, in fractions of the value range's width.
  public private(set) var factor: (lower: Double, upper: Double) = (0, 0)
  /// The range of pixel values (sorted), which outputs are clipped to.
  public let valueRange: (lower: Double, upper: Double)

  /// Creates the layer with deltas in `[-|factor|, |factor|]`, `factor` in [-1, 1]. Throws
  /// otherwise, or for a value range that is not two finite numbers.
  public convenience init(
    _ factor: Double, valueRange: (lower: Double, upper: Double) = (0, 255), seed: Int? = nil,
    name: String? = nil
  ) throws {
    try self.init(given: [factor], valueRange: valueRange, seed: seed, name: name)
  }

  /// Creates the layer with deltas in `[lower, upper]` (sorted), within [-1, 1].
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
    // Keras sorts the value range.
    self.valueRange = (
      min(valueRange.lower, valueRange.upper), max(valueRange.lower, valueRange.upper)
    )
    super.init(seed: seed, name: name)
    factor = try Self.baseFactorRange(given, bounds: (-1, 1), label: "factor", layer: identity)
    try Self.checkValueRange(self.valueRange, layer: identity)
  }

  /// Keras's draw: a delta per image, in pixel values.
  override func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    try Ops.multiply(
      uniform([batch], factor),
      Tensor.scalar(valueRange.upper - valueRange.lower, dtype: .float32))
  }

  override func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    let deltas = try Ops.reshape(
      checkTransformation(transformation, images, columns: nil), [images.shape[0], 1, 1, 1])
    return try Ops.clip(
      Ops.add(images, deltas), min: valueRange.lower, max: valueRange.upper)
  }

  /// Keras's config: `factor` as the range, `value_range`.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "factor": Self.rangeValue(factor),
      "value_range": Self.rangeValue(valueRange),
    ]) { $1 }
  }
}

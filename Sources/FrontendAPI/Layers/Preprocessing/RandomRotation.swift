/// Rotates each image of a batch about its centre, while training, by an angle drawn uniformly
/// from `factor` (fractions of a full turn: `0.1` is up to ±36°, `(-0.2, 0.3)` from -72° to
/// 108°; positive turns counter-clockwise).
///
/// ```swift
/// let augment = try RandomRotation(0.1, fillMode: .constant)
/// ```
/// Pixels the rotation brings in from outside follow `fillMode` (mirrored by default);
/// `interpolation` reads between pixels. The transformation is one angle in degrees per image.
/// Equivalent to `keras.layers.RandomRotation`.
public final class RandomRotation: ImageAugmentation {
  /// The range of the angle, in fractions of a full turn.
  public private(set) var factor: (lower: Double, upper: Double)
  /// What fills the corners the rotation brings in.
  public let fillMode: FillMode
  /// How pixels between the input's are read.
  public let interpolation: Interpolation
  /// The value of `constant` fill.
  public let fillValue: Double

  /// Creates the layer with angles in `[-|factor|, |factor|]` turns. Throws for a factor
  /// outside [-1, 1] or a fill value that is not finite.
  public convenience init(
    _ factor: Double, fillMode: FillMode = .reflect, interpolation: Interpolation = .bilinear,
    seed: Int? = nil, fillValue: Double = 0, name: String? = nil
  ) throws {
    try self.init(
      given: [factor], fillMode: fillMode, interpolation: interpolation, seed: seed,
      fillValue: fillValue, name: name)
  }

  /// Creates the layer with angles in `[lower, upper]` turns (sorted).
  public convenience init(
    _ factor: (lower: Double, upper: Double), fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, seed: Int? = nil, fillValue: Double = 0,
    name: String? = nil
  ) throws {
    try self.init(
      given: [factor.lower, factor.upper], fillMode: fillMode, interpolation: interpolation,
      seed: seed, fillValue: fillValue, name: name)
  }

  init(
    given: [Double], fillMode: FillMode, interpolation: Interpolation, seed: Int?,
    fillValue: Double, name: String?
  ) throws {
    self.fillMode = fillMode
    self.interpolation = interpolation
    self.fillValue = fillValue
    self.factor = (0, 0)
    super.init(seed: seed, name: name)
    factor = try Self.baseFactorRange(
      given, bounds: (-1, 1), label: "factor", layer: identity)
    try Self.checkFillValue(fillValue, layer: identity)
  }

  /// Keras's draw: an angle in degrees per image.
  override func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    try uniform([batch], (factor.lower * 360, factor.upper * 360))
  }

  /// Keras's `_compute_affine_matrix` for a rotation about the centre, then the resampling.
  override func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    let degrees = try checkTransformation(transformation, images, columns: nil)
    let (batch, height, width) = (images.shape[0], images.shape[1], images.shape[2])
    let angle = try Ops.multiply(degrees, Tensor.scalar(Double.pi / 180, dtype: .float32))
    let (cosine, sine) = (try Ops.cos(angle), try Ops.sin(angle))
    let cx = try Tensor.scalar(0.5 * Double(width - 1), dtype: .float32)
    let cy = try Tensor.scalar(0.5 * Double(height - 1), dtype: .float32)
    let a0 = cosine
    let a1 = try Ops.negative(sine)
    let a2 = try Ops.subtract(Ops.subtract(cx, Ops.multiply(cx, a0)), Ops.multiply(cy, a1))
    let b0 = sine
    let b1 = cosine
    let b2 = try Ops.subtract(Ops.subtract(cy, Ops.multiply(cx, b0)), Ops.multiply(cy, b1))
    return try affineTransform(
      images, Self.affineRows([a0, a1, a2, b0, b1, b2], batch: batch),
      interpolation: interpolation, fillMode: fillMode, fillValue: fillValue)
  }

  /// Keras's config: `factor` as the range, the sampling settings.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "factor": Self.rangeValue(factor),
      "fill_mode": .string(fillMode.rawValue), "fill_value": .double(fillValue),
      "interpolation": .string(interpolation.rawValue),
    ]) { $1 }
  }
}

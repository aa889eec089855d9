/// Shifts each image of a batch, while training, by fractions of its height and width drawn
/// uniformly from `heightFactor` and `widthFactor` (`0.1`: up to ±10%; `(-0.2, 0.1)`: from 20%
/// up or left to 10% down or right).
///
/// ```swift
/// let augment = try RandomTranslation(heightFactor: [0.1], widthFactor: [-0.2, 0.1])
/// ```
/// Pixels shifted in from outside follow `fillMode` (mirrored by default). The transformation
/// is `(batch, 2)`: each image's shift in pixels, width first. Equivalent to
/// `keras.layers.RandomTranslation`.
public final class RandomTranslation: ImageAugmentation {
  /// The vertical factor as given: one number, or two.
  public let heightFactor: [Double]
  /// The horizontal factor as given: one number, or two.
  public let widthFactor: [Double]
  /// What fills the pixels shifted in.
  public let fillMode: FillMode
  /// How pixels between the input's are read.
  public let interpolation: Interpolation
  /// The value of `constant` fill.
  public let fillValue: Double
  private var heightRange: (lower: Double, upper: Double) = (0, 0)
  private var widthRange: (lower: Double, upper: Double) = (0, 0)

  /// Creates the layer. Each factor is one number `f` (the range `[-|f|, |f|]`) or two, each in
  /// [-1, 1]; throws otherwise, or for a fill value that is not finite.
  public init(
    heightFactor: [Double], widthFactor: [Double], fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, seed: Int? = nil, fillValue: Double = 0,
    name: String? = nil
  ) throws {
    self.heightFactor = heightFactor
    self.widthFactor = widthFactor
    self.fillMode = fillMode
    self.interpolation = interpolation
    self.fillValue = fillValue
    super.init(seed: seed, name: name)
    for (label, given) in [("height_factor", heightFactor), ("width_factor", widthFactor)] {
      let range = try Self.symmetricFactorRange(
        given, allowed: { (-1...1).contains($0) }, range: "[-1, 1]", label: label,
        layer: identity)
      if label == "height_factor" { heightRange = range } else { widthRange = range }
    }
    try Self.checkFillValue(fillValue, layer: identity)
  }

  /// Keras's draw: a shift in pixels per image, `(width, height)`.
  override func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    let vertical = try Ops.multiply(
      uniform([batch, 1], heightRange), Tensor.scalar(Double(height), dtype: .float32))
    let horizontal = try Ops.multiply(
      uniform([batch, 1], widthRange), Tensor.scalar(Double(width), dtype: .float32))
    return try Ops.concatenate([horizontal, vertical], axis: 1)
  }

  /// Keras's translation matrix `[1, 0, -dx, 0, 1, -dy]`, then the resampling.
  override func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    let shifts = try checkTransformation(transformation, images, columns: 2)
    let batch = images.shape[0]
    let (ones, zeros) = (try Tensor.ones([batch]), try Tensor.zeros([batch]))
    let dx = try Ops.negative(Ops.slice(shifts, starts: [0, 0], sizes: [batch, 1]))
    let dy = try Ops.negative(Ops.slice(shifts, starts: [0, 1], sizes: [batch, 1]))
    return try affineTransform(
      images, Self.affineRows([ones, zeros, dx, zeros, ones, dy], batch: batch),
      interpolation: interpolation, fillMode: fillMode, fillValue: fillValue)
  }

  /// Keras's config: both factors as given, the sampling settings.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "height_factor": Self.factorValue(heightFactor),
      "width_factor": Self.factorValue(widthFactor), "fill_mode": .string(fillMode.rawValue),
      "interpolation": .string(interpolation.rawValue), "fill_value": .double(fillValue),
    ]) { $1 }
  }
}

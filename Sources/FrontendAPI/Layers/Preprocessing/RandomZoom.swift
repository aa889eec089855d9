/// Zooms each image of a batch about its centre, while training, by factors drawn uniformly
/// from `1 + heightFactor` and `1 + widthFactor` (the height's when nil, keeping the aspect
/// ratio). A positive factor zooms out (`0.2`: between 20% in and 20% out; `(-0.3, -0.1)`: in
/// by 10–30%).
///
/// ```swift
/// let augment = try RandomZoom(heightFactor: [0.1])
/// ```
/// Pixels brought in from outside follow `fillMode` (mirrored by default). The transformation is
/// `(batch, 2)`: each image's zoom, width first (1 keeps the size). Equivalent to
/// `keras.layers.RandomZoom`.
public final class RandomZoom: ImageAugmentation {
  /// The vertical factor as given: one number, or two.
  public let heightFactor: [Double]
  /// The horizontal factor as given (nil: the vertical zoom applies to both axes).
  public let widthFactor: [Double]?
  /// What fills the pixels brought in.
  public let fillMode: FillMode
  /// How pixels between the input's are read.
  public let interpolation: Interpolation
  /// The value of `constant` fill.
  public let fillValue: Double
  private var heightRange: (lower: Double, upper: Double) = (0, 0)
  private var widthRange: (lower: Double, upper: Double)?

  /// Creates the layer. Each factor is one number `f` (the range `[-|f|, |f|]`) or two, each in
  /// (-1, 1]; throws otherwise, or for a fill value that is not finite.
  public init(
    heightFactor: [Double], widthFactor: [Double]? = nil, fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, seed: Int? = nil, fillValue: Double = 0,
    name: String? = nil
  ) throws {
    self.heightFactor = heightFactor
    self.widthFactor = widthFactor
    self.fillMode = fillMode
    self.interpolation = interpolation
    self.fillValue = fillValue
    super.init(seed: seed, name: name)
    func range(_ given: [Double], _ label: String) throws -> (lower: Double, upper: Double) {
      try Self.symmetricFactorRange(
        given, allowed: { $0 > -1 && $0 <= 1 }, range: "(-1, 1]", label: label, layer: identity)
    }
    heightRange = try range(heightFactor, "height_factor")
    widthRange = try widthFactor.map { try range($0, "width_factor") }
    try Self.checkFillValue(fillValue, layer: identity)
  }

  /// Keras's draw: a zoom per image, `(width, height)`.
  override func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    let vertical = try uniform([batch, 1], (1 + heightRange.lower, 1 + heightRange.upper))
    let horizontal = try widthRange.map {
      try uniform([batch, 1], (1 + $0.lower, 1 + $0.upper))
    }
    return try Ops.concatenate([horizontal ?? vertical, vertical], axis: 1)
  }

  /// Keras's zoom matrix about the centre, then the resampling.
  override func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    let zooms = try checkTransformation(transformation, images, columns: 2)
    let (batch, height, width) = (images.shape[0], images.shape[1], images.shape[2])
    let zx = try Ops.slice(zooms, starts: [0, 0], sizes: [batch, 1])
    let zy = try Ops.slice(zooms, starts: [0, 1], sizes: [batch, 1])
    let one = try Tensor.scalar(1, dtype: .float32)
    let xOffset = try Ops.multiply(
      Tensor.scalar((Double(width) - 1) / 2, dtype: .float32), Ops.subtract(one, zx))
    let yOffset = try Ops.multiply(
      Tensor.scalar((Double(height) - 1) / 2, dtype: .float32), Ops.subtract(one, zy))
    let zeros = try Tensor.zeros([batch])
    return try affineTransform(
      images, Self.affineRows([zx, zeros, xOffset, zeros, zy, yOffset], batch: batch),
      interpolation: interpolation, fillMode: fillMode, fillValue: fillValue)
  }

  /// Keras's config: both factors as given (`width_factor` null when unset), the sampling.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "height_factor": Self.factorValue(heightFactor),
      "width_factor": widthFactor.map(Self.factorValue) ?? .null,
      "fill_mode": .string(fillMode.rawValue), "interpolation": .string(interpolation.rawValue),
      "fill_value": .double(fillValue),
    ]) { $1 }
  }
}

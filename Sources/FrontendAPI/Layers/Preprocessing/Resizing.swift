/// Resizes images to `height` × `width`, in training and inference alike.
///
/// ```swift
/// let resize = try Resizing(224, 224)                                  // bilinear
/// let thumbnail = try Resizing(64, 64, interpolation: .bicubic, cropToAspectRatio: true)
/// ```
/// Images are channels-last, `(batch, height, width, channels)` or one `(height, width,
/// channels)`, and come out in float32. `cropToAspectRatio` first takes the largest centred
/// crop of the target's aspect ratio, `padToAspectRatio` pads with `fillValue` towards it
/// instead; `antialias` widens the kernel when shrinking. The result equals Keras's with the
/// JAX backend (`jax.image.resize`), whose interpolations these are (it has no `"area"`).
/// Equivalent to `keras.layers.Resizing`.
public final class Resizing: Layer {
  /// How pixels are resampled.
  public enum Interpolation: String, Sendable, CaseIterable {
    /// Linear in each axis.
    case bilinear
    /// The pixel whose area holds the sample.
    case nearest
    /// Keys's cubic (A = -0.5) in each axis.
    case bicubic
    /// Lanczos of radius 3.
    case lanczos3
    /// Lanczos of radius 5.
    case lanczos5
  }

  /// The output height.
  public let height: Int
  /// The output width.
  public let width: Int
  /// How pixels are resampled.
  public let interpolation: Interpolation
  /// Whether the largest centred crop of the target's aspect ratio is resized.
  public let cropToAspectRatio: Bool
  /// Whether the images are padded towards the target's aspect ratio first.
  public let padToAspectRatio: Bool
  /// The value padding adds.
  public let fillValue: Double
  /// Whether the kernel widens when shrinking, filtering aliasing out.
  public let antialias: Bool

  /// Creates the layer. Throws for sizes that are not positive, both aspect-ratio options, or
  /// a fill value that is not finite.
  public init(
    _ height: Int, _ width: Int, interpolation: Interpolation = .bilinear,
    cropToAspectRatio: Bool = false, padToAspectRatio: Bool = false, fillValue: Double = 0,
    antialias: Bool = false, name: String? = nil
  ) throws {
    self.height = height
    self.width = width
    self.interpolation = interpolation
    self.cropToAspectRatio = cropToAspectRatio
    self.padToAspectRatio = padToAspectRatio
    self.fillValue = fillValue
    self.antialias = antialias
    super.init(name: name)
    try Self.checkSize(height, width, layer: identity)
    guard !(cropToAspectRatio && padToAspectRatio) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "only one of pad_to_aspect_ratio and crop_to_aspect_ratio can be true")
    }
    try ImageAugmentation.checkFillValue(fillValue, layer: identity)
  }

  /// Positive sizes no larger than a shape may hold.
  static func checkSize(_ height: Int, _ width: Int, layer: String) throws {
    guard height > 0, width > 0, height <= Shape.maximumElementCount,
      width <= Shape.maximumElementCount
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(layer)",
        message: "height and width must be positive sizes, received \(height) and \(width)")
    }
  }

  /// The images resized in float32 under any policy.
  override var computesInFloat32: Bool { true }

  public override func build(inputShape: Shape) throws {
    try ImageResize.checkImages(inputShape, layer: identity)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try ImageResize.batched(x, layer: identity) { images in
      var images = images
      if cropToAspectRatio {
        images = try ImageResize.cropToAspectRatio(images, height: height, width: width)
      } else if padToAspectRatio {
        images = try ImageResize.padToAspectRatio(
          images, height: height, width: width, fillValue: fillValue)
      }
      return try ImageResize.resize(
        images, height: height, width: width, interpolation: interpolation,
        antialias: antialias, context: "Layer \(identity)")
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    ImageResize.outputShape(inputShapes.first ?? [], height: height, width: width)
  }

  /// Keras's config.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "data_format": "channels_last", "height": .int(height), "width": .int(width),
      "interpolation": .string(interpolation.rawValue),
      "crop_to_aspect_ratio": .bool(cropToAspectRatio),
      "pad_to_aspect_ratio": .bool(padToAspectRatio), "fill_mode": "constant",
      "fill_value": .double(fillValue), "antialias": .bool(antialias),
    ]) { $1 }
  }
}

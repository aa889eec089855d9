/// The base of the random image augmentation layers (``RandomFlip``, ``RandomRotation``,
/// ``RandomTranslation``, ``RandomZoom``, ``RandomContrast``, ``RandomBrightness``): while
/// training, each image of a batch gets a transformation of its own, drawn from the layer's
/// stream (its `seed`'s, or the process's seeded one); at inference the images pass unchanged.
/// Either way they come out in the compute dtype (float32; bfloat16 under a mixed policy), as
/// Keras casts them; the transformations themselves run in float32.
///
/// ```swift
/// let augment = Sequential([
///   try RandomFlip(.horizontal), try RandomRotation(0.1), try RandomZoom(0.1),
/// ])
/// ```
/// Images are channels-last, a batch `(batch, height, width, channels)` or one image `(height,
/// width, channels)`. The draws are ops, so a compiled training step replays fresh ones every
/// step. ``transformImages(_:transformation:)`` applies a given transformation, as Keras's
/// `transform_images`. Equivalent to Keras's `BaseImagePreprocessingLayer`.
public class ImageAugmentation: Layer {
  /// How a transformed image is filled where it reads outside the input (Keras's `fill_mode`).
  public enum FillMode: String, Sendable, CaseIterable {
    /// `d c b a | a b c d | d c b a`: mirrored about the edge.
    case reflect
    /// `a b c d | a b c d | a b c d`: wrapped around.
    case wrap
    /// `k k k k | a b c d | k k k k`: the `fillValue`.
    case constant
    /// `a a a a | a b c d | d d d d`: the nearest edge pixel.
    case nearest
  }

  /// How pixels between the input's are read (Keras's `interpolation`).
  public enum Interpolation: String, Sendable, CaseIterable {
    /// The weighted mean of the four nearest pixels.
    case bilinear
    /// The nearest pixel (halves round to even).
    case nearest
  }

  /// The seed of the layer's own stream, if any.
  public var seed: Int? { stream.seed }
  let stream: SeedStream

  init(seed: Int?, name: String?) {
    self.stream = SeedStream(seed)
    super.init(name: name)
  }

  /// The transformations work in float32 under any policy (the output takes the policy's
  /// dtype).
  override var computesInFloat32: Bool { true }

  public override func build(inputShape: Shape) throws {
    guard (3...4).contains(inputShape.rank) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "images of rank 4, (batch, height, width, channels), or 3 (one image)",
        received: "\(inputShape)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard (3...4).contains(x.rank) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "images of rank 4, (batch, height, width, channels), or 3 (one image)",
        received: "\(x.shape)")
    }
    let images = x.dtype == .float32 ? x : try Ops.cast(x, to: .float32)
    guard training else { return images }
    let batch = images.rank == 4 ? images : try Ops.expandDims(images, axis: 0)
    let dims = batch.shape.dims
    let transformation = try stream.draw {
      try randomTransformation(batch: dims[0], height: dims[1], width: dims[2])
    }
    let output = try transform(batch, transformation)
    return images.rank == 4 ? output : try Ops.squeeze(output, axes: [0])
  }

  /// Applies `transformation` (as ``randomTransformation(batch:height:width:)`` draws it: see
  /// each layer for its layout) to `images`, a batch `(batch, height, width, channels)` or one
  /// image. Equivalent to Keras's `layer.transform_images(images, transformation)`.
  public func transformImages(_ images: Tensor, transformation: Tensor) throws -> Tensor {
    guard (3...4).contains(images.rank), images.dtype.isFloatingPoint || images.dtype == .uint8
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "images of rank 4, (batch, height, width, channels), or 3 (one image)",
        received: "\(images.dtype) \(images.shape)")
    }
    let cast = images.dtype == .float32 ? images : try Ops.cast(images, to: .float32)
    let batch = cast.rank == 4 ? cast : try Ops.expandDims(cast, axis: 0)
    let output = try transform(batch, transformation)
    return cast.rank == 4 ? output : try Ops.squeeze(output, axes: [0])
  }

  /// One random transformation per image of a batch (each layer's own draw).
  func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "Layer \(identity)", message: "draws no transformation")
  }

  /// `transformation` applied to `images`, float32 `(batch, height, width, channels)` (each
  /// layer's own).
  func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    throw PlexusError.invalidState(
      context: "Layer \(identity)", message: "applies no transformation")
  }

  /// `transformation` checked to hold `columns` values (none: one) per image of `images`.
  func checkTransformation(_ transformation: Tensor, _ images: Tensor, columns: Int?) throws
    -> Tensor
  {
    let expected = Shape([images.shape[0]] + (columns.map { [$0] } ?? []))
    guard transformation.shape == expected || transformation.count == expected.elementCount
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) transformation", expected: "\(expected), one per image",
        received: "\(transformation.shape)")
    }
    let values =
      transformation.dtype == .float32 ? transformation : try Ops.cast(transformation, to: .float32)
    return try Ops.reshape(values, expected)
  }

  /// `lower + (upper - lower) · u`, `u` uniform in [0, 1), of `shape`.
  func uniform(_ shape: Shape, _ bounds: (lower: Double, upper: Double)) throws -> Tensor {
    try Ops.randomUniform(shape, minval: bounds.lower, maxval: bounds.upper)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  /// `data_format` (channels-last) and `seed`, beside the name and dtype.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "data_format": "channels_last", "seed": .optional(seed.map(ConfigValue.int)),
    ]) { $1 }
  }
}

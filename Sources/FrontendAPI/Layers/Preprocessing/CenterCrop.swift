/// Crops the centre `height` × `width` of images, in training and inference alike; an image
/// smaller than that in either direction is instead cropped to the target's aspect ratio and
/// resized (bilinear), as Keras's `smart_resize`.
///
/// ```swift
/// let crop = try CenterCrop(24, 24)
/// ```
/// Images are channels-last, `(batch, height, width, channels)` or one `(height, width,
/// channels)`, and come out in float32. Equivalent to `keras.layers.CenterCrop`.
public final class CenterCrop: Layer {
  /// The output height.
  public let height: Int
  /// The output width.
  public let width: Int

  /// Creates the layer. Throws for sizes that are not positive.
  public init(_ height: Int, _ width: Int, name: String? = nil) throws {
    self.height = height
    self.width = width
    super.init(name: name)
    try Resizing.checkSize(height, width, layer: identity)
  }

  /// The images cropped in float32 under any policy.
  override var computesInFloat32: Bool { true }

  public override func build(inputShape: Shape) throws {
    try ImageResize.checkImages(inputShape, layer: identity)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try ImageResize.batched(x, layer: identity) { images in
      let dims = images.shape.dims
      guard dims[1] >= height, dims[2] >= width else {
        let cropped = try ImageResize.cropToAspectRatio(images, height: height, width: width)
        return try ImageResize.resize(
          cropped, height: height, width: width, interpolation: .bilinear, antialias: false,
          context: "Layer \(identity)")
      }
      return try Ops.slice(
        images, starts: [0, (dims[1] - height) / 2, (dims[2] - width) / 2, 0],
        sizes: [dims[0], height, width, dims[3]])
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    ImageResize.outputShape(inputShapes.first ?? [], height: height, width: width)
  }

  /// Keras's config: `height`, `width` and the channels-last `data_format`.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "data_format": "channels_last", "height": .int(height), "width": .int(width),
    ]) { $1 }
  }
}

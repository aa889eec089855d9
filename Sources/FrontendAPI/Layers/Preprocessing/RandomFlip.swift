/// Flips each image of a batch, while training, with probability 1/2: left to right
/// (`.horizontal`), top to bottom (`.vertical`), or both at once (`.horizontalAndVertical`, the
/// default: one draw per image for both axes, as Keras's).
///
/// ```swift
/// let augment = try RandomFlip(.horizontal, seed: 7)
/// ```
/// The transformation is one boolean per image (flipped or not). Equivalent to
/// `keras.layers.RandomFlip`.
public final class RandomFlip: ImageAugmentation {
  /// Which axes a flip reverses.
  public enum Mode: String, Sendable, CaseIterable {
    /// Left to right.
    case horizontal
    /// Top to bottom.
    case vertical
    /// Both (a half turn).
    case horizontalAndVertical = "horizontal_and_vertical"
  }

  /// Which axes a flip reverses.
  public let mode: Mode

  /// Creates the layer.
  public init(_ mode: Mode = .horizontalAndVertical, seed: Int? = nil, name: String? = nil) {
    self.mode = mode
    super.init(seed: seed, name: name)
  }

  /// Keras's draw: flipped where a uniform draw is at most 1/2.
  override func randomTransformation(batch: Int, height: Int, width: Int) throws -> Tensor {
    try Ops.lessEqual(uniform([batch], (0, 1)), Tensor.scalar(0.5, dtype: .float32))
  }

  override func transform(_ images: Tensor, _ transformation: Tensor) throws -> Tensor {
    guard images.count > 0 else { return images }
    let flips = try Ops.reshape(
      Ops.cast(checkTransformation(transformation, images, columns: nil), to: .bool),
      [images.shape[0], 1, 1, 1])
    var output = images
    if mode != .vertical { output = try Ops.where(flips, reversed(output, axis: 2), output) }
    if mode != .horizontal { output = try Ops.where(flips, reversed(output, axis: 1), output) }
    return output
  }

  /// `x` with `axis` reversed.
  private func reversed(_ x: Tensor, axis: Int) throws -> Tensor {
    let size = x.shape[axis]
    guard size <= Int(Int32.max) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "flips axes of at most \(Int32.max) pixels, received \(x.shape)")
    }
    let order = try Tensor((0..<size).reversed().map { Int32($0) }, shape: [size])
    return try Ops.take(x, order, axis: axis)
  }

  /// Keras's config: `mode`, beside the shared keys.
  public override var config: [String: ConfigValue] {
    super.config.merging(["mode": .string(mode.rawValue)]) { $1 }
  }
}

/// Marks padded time steps: a step whose features all equal `maskValue` is masked, and its
/// output is zeroed; other steps pass unchanged. Input and output `(batch, steps, features)`.
///
/// ```swift
/// let masking = Masking(maskValue: 0)
/// let y = try masking(x)
/// let mask = try masking.computeMask(x)   // (batch, steps), bool: true where a step has data
/// ```
/// The output carries the mask (``Tensor/mask``), which layers that support masking pass on
/// and the recurrent layers, attention, pooling and losses honour (see ``MaskProducer``).
/// Equivalent to `keras.layers.Masking`.
public final class Masking: Layer {
  override var producesMasks: Bool { true }

  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The value that marks padding.
  public let maskValue: Double

  /// Creates the layer.
  public init(maskValue: Double = 0, name: String? = nil) {
    self.maskValue = maskValue
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard !maskValue.isNaN else {
      // NaN equals nothing, so nothing would ever be masked.
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "mask_value must be a number, received NaN")
    }
    guard inputShape.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 1, (batch, steps, features)",
        received: "\(inputShape)")
    }
  }

  /// 1 for the steps that keep data, 0 for masked ones, with the feature axis kept (size 1).
  private func keep(_ x: Tensor) throws -> Tensor {
    guard x.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 1", received: "\(x.shape)")
    }
    let differs = try Ops.cast(
      Ops.notEqual(Ops.stopGradient(x), Tensor.scalar(maskValue, dtype: x.dtype)), to: x.dtype)
    return try Ops.max(differs, axes: [-1], keepDims: true)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try Ops.multiply(x, keep(x))
  }

  /// `any(x != maskValue)` over the last axis: `bool`, `x`'s shape without it.
  public func computeMask(_ x: Tensor) throws -> Tensor? {
    let kept = try Ops.squeeze(keep(x), axes: [-1])
    return try Ops.greater(kept, Tensor.scalar(0, dtype: kept.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["mask_value": .double(maskValue)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let maskValue = try config.double("mask_value", default: 0)
    guard !maskValue.isNaN else { throw config.mismatch("mask_value", "a number") }
    return try settings.finish(config, Masking(maskValue: maskValue, name: settings.name))
  }
}

extension Masking: MaskProducer {}

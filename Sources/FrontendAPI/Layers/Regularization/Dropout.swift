/// Sets a random fraction `rate` of inputs to 0 while training and scales the rest by
/// `1 / (1 - rate)`; the identity at inference. Any shape in, the same shape out.
///
/// Masks come from the seeded Philox stream, so they are identical on every backend.
/// ```swift
/// Dropout(0.2)
/// ```
/// Equivalent to `keras.layers.Dropout`.
public final class Dropout: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The fraction of inputs dropped, in `[0, 1)`.
  public let rate: Double

  /// Creates the layer.
  public init(_ rate: Double, name: String? = nil) {
    self.rate = rate
    super.init(name: name)
  }

  /// The rates a Dropout takes: 1 would scale the kept inputs by 1 / 0.
  static let validRates = 0.0..<1.0

  public override func build(inputShape: Shape) throws {
    guard Self.validRates.contains(rate) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "rate must be in [0, 1), received \(rate)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard training, rate > 0 else { return x }
    let draws = try Ops.randomUniform(x.shape, dtype: x.dtype)
    let keep = try Ops.greaterEqual(draws, Tensor.scalar(rate, dtype: x.dtype))
    return try Ops.where(keep, x * (1 / (1 - rate)), Tensor.scalar(0, dtype: x.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["rate": .double(rate), "seed": .null, "noise_shape": .null]) { $1 }
  }
}

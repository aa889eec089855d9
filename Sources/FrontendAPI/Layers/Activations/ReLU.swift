/// The rectified linear unit with Keras's options: `max_value` caps the output, `negative_slope`
/// lets values below `threshold` through scaled, and `threshold` moves the bend:
///
/// ```
/// f(x) = maxValue                          for x ≥ maxValue
/// f(x) = x                                 for threshold < x < maxValue
/// f(x) = negativeSlope · (x - threshold)   otherwise
/// ```
///
/// ```swift
/// ReLU()                    // max(x, 0)
/// ReLU(maxValue: 6)         // relu6
/// ReLU(negativeSlope: 0.1)  // a leaky ReLU
/// ```
/// Any shape in, the same shape out. Equivalent to `keras.layers.ReLU`.
public final class ReLU: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The largest output, ≥ 0; nil for none.
  public let maxValue: Double?
  /// The slope below the threshold, ≥ 0.
  public let negativeSlope: Double
  /// Where the unit turns on, ≥ 0.
  public let threshold: Double

  /// Creates the layer (Keras's defaults: plain `max(x, 0)`).
  public init(
    maxValue: Double? = nil, negativeSlope: Double = 0, threshold: Double = 0,
    name: String? = nil
  ) {
    self.maxValue = maxValue
    self.negativeSlope = negativeSlope
    self.threshold = threshold
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    try Self.check(maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold) {
      PlexusError.invalidArgument(context: "Layer \(identity)", message: $0)
    }
  }

  /// Keras's `relu(x, negative_slope, max_value, threshold)`, op for op.
  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let zero = try Tensor.scalar(0, dtype: x.dtype)
    if negativeSlope != 0, maxValue == nil, threshold == 0 {
      return try Ops.where(Ops.greaterEqual(x, zero), x, x * negativeSlope)
    }
    var negativePart: Tensor?
    if negativeSlope != 0 {
      negativePart =
        threshold != 0
        ? try Ops.relu(Ops.negative(x) + threshold) : try Ops.relu(Ops.negative(x))
    }
    var clips = maxValue != nil
    var y: Tensor
    if threshold != 0 {
      y = try Ops.where(Ops.greater(x, Tensor.scalar(threshold, dtype: x.dtype)), x, zero)
    } else if maxValue == 6 {
      y = try Ops.clip(x, min: 0, max: 6)
      clips = false
    } else {
      y = try Ops.relu(x)
    }
    if clips, let maxValue { y = try Ops.clip(y, min: 0, max: maxValue) }
    if let negativePart { y = try y - negativePart * negativeSlope }
    return y
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging([
      "max_value": .optional(maxValue), "negative_slope": .double(negativeSlope),
      "threshold": .double(threshold),
    ]) { $1 }
  }

  /// Keras's checks: each setting finite and ≥ 0 (a NaN is refused too).
  static func check(
    maxValue: Double?, negativeSlope: Double, threshold: Double,
    _ error: (String) -> PlexusError
  ) throws {
    for (label, value) in [
      ("maxValue", maxValue ?? 0), ("negativeSlope", negativeSlope), ("threshold", threshold),
    ] where !(value.isFinite && value >= 0) {
      throw error("\(label) must be finite and ≥ 0, received \(value)")
    }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let maxValue = try config.optionalDouble("max_value")
    let negativeSlope = try config.double("negative_slope", default: 0)
    let threshold = try config.double("threshold", default: 0)
    try check(maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold) {
      PlexusError.invalidArgument(context: "ReLU config", message: $0)
    }
    return try settings.finish(
      config,
      ReLU(
        maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold,
        name: settings.name))
  }
}

/// Softmax along an axis: `output = exp(x) / sum(exp(x), axis)`, any shape in, the same shape
/// out.
///
/// ```swift
/// let probabilities = try Softmax()(logits)        // over the last axis
/// let overTime = try Softmax(axis: 1)(sequences)  // (batch, time, features), over time
/// ```
/// Equivalent to `keras.layers.Softmax`.
public final class Softmax: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The axis normalised over; negative counts from the end.
  public let axis: Int

  /// Creates the layer.
  public init(axis: Int = -1, name: String? = nil) {
    self.axis = axis
    super.init(name: name)
  }

  /// With a mask on the input (boolean, or numbers where > 0.5 keeps), as Keras's: masked
  /// entries take no part and come out 0 (a row masked whole is all zeros, not uniform). The
  /// mask broadcasts to the input from the right.
  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let mask = x.mask else { return try Ops.softmax(x, axis: axis) }
    let fits =
      mask.rank <= x.rank
      && zip(mask.shape.dims.reversed(), x.shape.dims.reversed()).allSatisfy {
        $0 == 1 || $0 == $1
      }
    guard fits else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) mask", expected: "broadcastable to the input \(x.shape)",
        received: "\(mask.shape)")
    }
    let keep =
      mask.dtype == .bool
      ? mask : try Ops.greater(mask, Tensor.scalar(0.5, dtype: mask.dtype))
    // Keras's large negative number for float32 and wider: -1e9.
    let masked = try Ops.where(keep, x.withMask(nil), Tensor.scalar(-1e9, dtype: x.dtype))
    return try Ops.where(
      keep, Ops.softmax(masked, axis: axis), Tensor.scalar(0, dtype: x.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": .int(axis)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    guard
      let axis = config.value("axis")?.intValue
        ?? config.value("axis")?.arrayValue?.first?.intValue,
      (config.value("axis")?.arrayValue?.count ?? 1) == 1
    else {
      throw config.mismatch("axis", "an integer (Plexus normalises over one axis)")
    }
    return try settings.finish(config, Softmax(axis: axis, name: settings.name))
  }
}

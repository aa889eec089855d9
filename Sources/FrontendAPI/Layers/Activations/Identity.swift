/// Returns its input unchanged, mask included: a placeholder where a model wants a layer.
/// Equivalent to `keras.layers.Identity`.
public final class Identity: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// Creates the layer.
  public override init(name: String? = nil) {
    super.init(name: name)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor { x }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    return try settings.finish(config, Identity(name: settings.name))
  }
}

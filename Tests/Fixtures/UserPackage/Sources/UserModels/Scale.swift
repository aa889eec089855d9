import Plexus

/// A Keras-style custom layer: one weight per feature, made in `build`.
public final class Scale: Layer {
  /// The per-feature factor, once built.
  public private(set) var factor: Variable?

  /// Creates the layer.
  public override init(name: String? = nil) {
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    factor = try addWeight(
      name: "factor", shape: [inputShape[inputShape.rank - 1]], initializer: .ones)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let factor else {
      throw PlexusError.invalidState(context: "Scale", message: "not built")
    }
    return try x * factor.value
  }
}

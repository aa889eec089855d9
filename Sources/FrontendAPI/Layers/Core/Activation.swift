/// Applies an activation function: `output = activation(x)`, any shape in, the same shape out.
///
/// ```swift
/// Activation(.softmax)
/// ```
/// Equivalent to `keras.layers.Activation`.
public final class Activation: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The function applied.
  public let activation: ActivationFunction

  /// Creates the layer.
  public init(_ activation: ActivationFunction, name: String? = nil) {
    self.activation = activation
    super.init(name: name)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor { try activation(x) }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["activation": activation.layerConfigValue]) { $1 }
  }
}

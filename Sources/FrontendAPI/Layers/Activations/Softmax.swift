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

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try Ops.softmax(x, axis: axis)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": .int(axis)]) { $1 }
  }
}

/// Flattens every axis but the batch axis: `(batch, d1, d2, ...)` → `(batch, d1·d2·...)`.
///
/// Equivalent to `keras.layers.Flatten`.
public final class Flatten: Layer {
  /// Creates the layer.
  public override init(name: String? = nil) { super.init(name: name) }

  public override var inputSpec: InputSpec? { InputSpec(minRank: 1) }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard x.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "a batch axis", received: "\(x.shape)")
    }
    return try Ops.reshape(x, [x.shape[0], x.shape.dims.dropFirst().reduce(1, *)])
  }

  /// Keras's Flatten config; Plexus is channels-last throughout.
  public override var config: [String: ConfigValue] {
    super.config.merging(["data_format": "channels_last"]) { $1 }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank >= 1 else { return [-1, 1] }
    let rest = shape.dims.dropFirst()
    return [shape[0], rest.contains { $0 < 0 } ? -1 : Shape(Array(rest)).elementCount]
  }
}

/// Applies a layer to every time step of `(batch, timesteps, ...)` inputs, with one set of
/// weights for all steps.
///
/// ```swift
/// let layer = TimeDistributed(Dense(8))
/// let y = try layer(x)   // x: (batch, time, features) → y: (batch, time, 8)
/// ```
/// The batch and time axes are folded into one, the layer applied, and the result unfolded:
/// input `(batch, timesteps, ...)`, output `(batch, timesteps, ...)` of the layer's output.
/// A mask on the input is folded with it, so a wrapped layer that reads masks (an `LSTM` over
/// each step's words, after an `Embedding(maskZero:)`) sees each step's part; the output keeps
/// the input's mask, as Keras's.
/// Equivalent to `keras.layers.TimeDistributed`.
public final class TimeDistributed: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The layer applied at each step (Keras's `layer`).
  public let layer: Layer

  /// Wraps `layer`.
  public init(_ layer: Layer, name: String? = nil) {
    self.layer = layer
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(minRank: 3) }

  public override func build(inputShape: Shape) throws {
    guard inputShape.rank >= 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 3, (batch, timesteps, ...)",
        received: "\(inputShape)")
    }
    try layer.buildIfNeeded([Shape([inputShape[0]] + inputShape.dims.dropFirst(2))])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard x.rank >= 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 3, (batch, timesteps, ...)",
        received: "\(x.shape)")
    }
    let (batch, steps) = (x.shape[0], x.shape[1])
    var folded = try Ops.reshape(x, Shape([batch * steps] + x.shape.dims.dropFirst(2)))
    if let mask = x.mask {
      // Keras hands the wrapped layer each step's slice of the mask: folded alike, a
      // (batch, timesteps, words) mask masks the words of every step's sequence.
      guard mask.rank >= 2, mask.shape[0] == batch, mask.shape[1] == steps else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity) mask",
          expected: "(batch, timesteps, ...) = (\(batch), \(steps), ...), as the input",
          received: "\(mask.shape)")
      }
      folded = folded.withMask(
        try Ops.reshape(mask, Shape([batch * steps] + mask.shape.dims.dropFirst(2))))
    }
    let y = try layer.apply([folded], training: training)
    guard y.rank >= 1, y.shape[0] == batch * steps else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "an output of \(batch * steps) rows from "
          + "\(layer.identity)", received: "\(y.shape)")
    }
    return try Ops.reshape(y, Shape([batch, steps] + y.shape.dims.dropFirst()))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank >= 3 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 3, (batch, timesteps, ...)",
        received: "\(inputShapes)")
    }
    let inner = try layer.computeOutputShape([Shape([-1] + shape.dims.dropFirst(2))])
    return Shape([shape[0], shape[1]] + inner.dims.dropFirst())
  }

  /// Keras's TimeDistributed config: the serialized layer.
  public override var config: [String: ConfigValue] {
    super.config.merging(["layer": layer.serialized.value]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    guard let raw = config.value("layer") else {
      throw config.mismatch("layer", "a serialized layer")
    }
    return try settings.finish(
      config, TimeDistributed(try Layer.fromConfig(raw), name: settings.name))
  }
}

/// Additive (Bahdanau-style) attention: ``Attention`` with the scores
/// `Σ scale · tanh(query + key)` over the features, `scale` a trainable weight per feature
/// (Glorot-uniform at the start) when `useScale`, else 1.
///
/// ```swift
/// let attention = try AdditiveAttention()
/// let context = try attention([decoderStates, encoderStates])   // (b, Tq, dim), (b, Tv, dim)
/// ```
/// Masks, the causal mask, dropout and the returned scores work as in ``Attention``.
/// Equivalent to `keras.layers.AdditiveAttention`.
public final class AdditiveAttention: Attention {
  /// Creates the layer (Keras's defaults: a trainable scale, no dropout). Throws for a dropout
  /// rate outside [0, 1).
  public init(useScale: Bool = true, dropout: Double = 0, seed: Int? = nil, name: String? = nil)
    throws
  {
    try super.init(scaling: useScale, scoreMode: .dot, dropout: dropout, seed: seed, name: name)
  }

  /// One scale per feature, Glorot-uniform as Keras starts it.
  override func makeScale(featureCount: Int) throws -> Variable {
    try addWeight(name: "scale", shape: [featureCount], initializer: .glorotUniform)
  }

  /// `Σ scale · tanh(query + key)` over the features, as Keras's order of operations.
  override func scores(query: Tensor, key: Tensor) throws -> Tensor {
    var terms = try Ops.tanh(
      Ops.add(Ops.expandDims(query, axis: -2), Ops.expandDims(key, axis: -3)))
    if let scale { terms = try Ops.multiply(weightValue(scale, like: terms), terms) }
    return try Ops.sum(terms, axes: [-1])
  }

  /// Keras's AdditiveAttention config: Attention's without `score_mode`.
  public override var config: [String: ConfigValue] {
    var entries = super.config
    entries["score_mode"] = nil
    return entries
  }
}

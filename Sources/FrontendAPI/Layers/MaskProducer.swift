/// A layer that derives a mask from its input: one boolean per time step, `true` where the
/// step holds data and `false` where it is padding.
///
/// ``Embedding`` (with `maskZero`) and ``Masking`` produce one. Plexus does not propagate masks
/// through a model by itself; a layer that honours them (a recurrent layer, attention) asks the
/// producer for the mask of the same input and reads it:
/// ```swift
/// let embedding = Embedding(1000, 16, maskZero: true)
/// let vectors = try embedding(ids)            // (batch, steps, 16)
/// let mask = try embedding.computeMask(ids)   // (batch, steps), bool
/// ```
/// Equivalent to Keras's `Layer.compute_mask`.
public protocol MaskProducer: Layer {
  /// The mask for `x` (`bool`, `x`'s shape without the feature axis where the layer has one),
  /// or nil when the layer masks nothing with its settings.
  func computeMask(_ x: Tensor) throws -> Tensor?
}

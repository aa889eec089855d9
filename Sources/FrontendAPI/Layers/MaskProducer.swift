/// A layer that derives a mask from its input: one boolean per time step, `true` where the
/// step holds data and `false` where it is padding.
///
/// ``Embedding`` (with `maskZero`) and ``Masking`` produce one, and attach it to their output
/// (``Tensor/mask``); layers that support masking pass it on, and the ones that honour it (the
/// recurrent layers, attention, ``GlobalAveragePooling1D``) and the losses read it, in a model
/// or called one by one, as in Keras:
/// ```swift
/// let embedding = Embedding(1000, 16, maskZero: true)
/// let vectors = try embedding(ids)            // (batch, steps, 16), with vectors.mask
/// let mask = try embedding.computeMask(ids)   // the same (batch, steps) bool mask
/// ```
/// Equivalent to Keras's `Layer.compute_mask`.
public protocol MaskProducer: Layer {
  /// The mask for `x` (`bool`, `x`'s shape without the feature axis where the layer has one),
  /// or nil when the layer masks nothing with its settings.
  func computeMask(_ x: Tensor) throws -> Tensor?
}

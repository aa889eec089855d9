/// The maximum over each `poolSize` window of a sequence, windows `strides` apart.
///
/// ```swift
/// let y = try MaxPooling1D(poolSize: 2)(x)   // (batch, 100, 8) → (batch, 50, 8)
/// ```
/// Input `(batch, steps, channels)`, output `(batch, outSteps, channels)`; runs as a 2-D pooling
/// over a height of one. `strides` defaults to the pool size. Equivalent to
/// `keras.layers.MaxPooling1D`.
public final class MaxPooling1D: BasePooling {
  /// Creates the layer.
  public init(
    poolSize: SpatialSize = 2, strides: SpatialSize? = nil, padding: Padding = .valid,
    name: String? = nil
  ) {
    super.init(
      rank: 1, mode: .max, poolSize: poolSize, strides: strides, padding: padding, name: name)
  }
}

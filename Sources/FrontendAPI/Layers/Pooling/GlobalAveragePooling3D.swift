/// The mean of each channel over the whole volume: `y[n, c] = mean over (d, h, w) of
/// x[n, d, h, w, c]`.
///
/// ```swift
/// let y = try GlobalAveragePooling3D()(x)   // (batch, 4, 7, 7, 64) → (batch, 64)
/// ```
/// Input `(batch, depth, height, width, channels)`, output `(batch, channels)`, or `(batch, 1,
/// 1, 1, channels)` with `keepdims`. Equivalent to `keras.layers.GlobalAveragePooling3D`.
public final class GlobalAveragePooling3D: BaseGlobalPooling {
  /// Creates the layer.
  public init(keepdims: Bool = false, name: String? = nil) {
    super.init(rank: 3, mode: .average, keepdims: keepdims, name: name)
  }
}

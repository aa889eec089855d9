/// The maximum of each channel over the whole volume: `y[n, c] = max over (d, h, w) of
/// x[n, d, h, w, c]`.
///
/// ```swift
/// let y = try GlobalMaxPooling3D()(x)   // (batch, 4, 7, 7, 64) → (batch, 64)
/// ```
/// Input `(batch, depth, height, width, channels)`, output `(batch, channels)`, or `(batch, 1,
/// 1, 1, channels)` with `keepdims`. Equivalent to `keras.layers.GlobalMaxPooling3D`.
public final class GlobalMaxPooling3D: BaseGlobalPooling {
  /// Creates the layer.
  public init(keepdims: Bool = false, name: String? = nil) {
    super.init(rank: 3, mode: .max, keepdims: keepdims, name: name)
  }
}

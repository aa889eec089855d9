/// The maximum of each channel over the whole image: `y[n, c] = max over (h, w) of x[n, h, w, c]`.
///
/// ```swift
/// let y = try GlobalMaxPooling2D()(x)   // (batch, 7, 7, 64) → (batch, 64)
/// ```
/// Input `(batch, height, width, channels)`, output `(batch, channels)`, or `(batch, 1, 1,
/// channels)` with `keepdims`. Equivalent to `keras.layers.GlobalMaxPooling2D`.
public final class GlobalMaxPooling2D: BaseGlobalPooling {
  /// Creates the layer.
  public init(keepdims: Bool = false, name: String? = nil) {
    super.init(rank: 2, mode: .max, keepdims: keepdims, name: name)
  }
}

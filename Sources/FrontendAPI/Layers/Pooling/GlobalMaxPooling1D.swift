/// The maximum of each channel over the whole sequence: `y[n, c] = max over t of x[n, t, c]`.
///
/// ```swift
/// let y = try GlobalMaxPooling1D()(x)   // (batch, 100, 16) → (batch, 16)
/// ```
/// Input `(batch, steps, channels)`, output `(batch, channels)`, or `(batch, 1, channels)` with
/// `keepdims`. Equivalent to `keras.layers.GlobalMaxPooling1D`.
public final class GlobalMaxPooling1D: BaseGlobalPooling {
  /// Creates the layer.
  public init(keepdims: Bool = false, name: String? = nil) {
    super.init(rank: 1, mode: .max, keepdims: keepdims, name: name)
  }
}

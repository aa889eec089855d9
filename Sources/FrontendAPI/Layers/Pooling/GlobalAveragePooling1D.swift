/// The mean of each channel over the whole sequence: `y[n, c] = mean over t of x[n, t, c]`.
///
/// ```swift
/// let y = try GlobalAveragePooling1D()(x)   // (batch, 100, 16) → (batch, 16)
/// ```
/// Input `(batch, steps, channels)`, output `(batch, channels)`, or `(batch, 1, channels)` with
/// `keepdims`. Equivalent to `keras.layers.GlobalAveragePooling1D`.
public final class GlobalAveragePooling1D: BaseGlobalPooling {
  /// Creates the layer.
  public init(keepdims: Bool = false, name: String? = nil) {
    super.init(rank: 1, mode: .average, keepdims: keepdims, name: name)
  }
}

/// The mean of each channel over the whole sequence: `y[n, c] = mean over t of x[n, t, c]`.
///
/// ```swift
/// let y = try GlobalAveragePooling1D()(x)   // (batch, 100, 16) → (batch, 16)
/// ```
/// Input `(batch, steps, channels)`, output `(batch, channels)`, or `(batch, 1, channels)` with
/// `keepdims`. With a mask on the input (`(batch, steps)`, from ``Embedding`` with `maskZero`
/// or ``Masking``) the mean is over the kept steps only. Equivalent to
/// `keras.layers.GlobalAveragePooling1D`.
public final class GlobalAveragePooling1D: BaseGlobalPooling {
  /// Creates the layer.
  public init(keepdims: Bool = false, name: String? = nil) {
    super.init(rank: 1, mode: .average, keepdims: keepdims, name: name)
  }

  /// Reads the input's mask; the output (no steps left) has none.
  public override var supportsMasking: Bool { true }

  public override func computeMask(_ inputs: [Tensor], previousMask: Tensor?) throws -> Tensor? {
    nil
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let mask = x.mask else { return try super.call(x, training: training) }
    guard x.rank == 3, mask.shape == [x.shape[0], x.shape[1]] else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) mask", expected: "(batch, steps) of an input \(x.shape)",
        received: "\(mask.shape)")
    }
    // Keras: the kept steps' sum over their count.
    let kept = try Ops.expandDims(Ops.cast(mask, to: .bool), axis: 2)
    let zero = try Tensor.scalar(0, dtype: x.dtype)
    let sum = try Ops.sum(Ops.where(kept, x, zero), axes: [1], keepDims: keepdims)
    let count = try Ops.sum(Ops.cast(kept, to: x.dtype), axes: [1], keepDims: keepdims)
    return try Ops.divide(sum, count)
  }
}

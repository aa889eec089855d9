/// The entry point of a Functional model, or the first item of a `Sequential`: the shape of
/// one sample, without the batch axis.
///
/// ```swift
/// let inputs = Input(shape: [28, 28])
/// ```
/// Equivalent to `keras.Input`.
public final class Input: SymbolicTensor, SequentialComponent {
  /// The name of the input.
  public let name: String

  /// Declares an input taking samples of `shape`. Each size is ≥ 0, or -1 where it is unknown
  /// (Keras's `None`); any other negative size is an error when the model is built.
  public init(shape: Shape, batchSize: Int? = nil, dtype: DType = .float32, name: String? = nil) {
    self.name = name ?? LayerNames.unique(for: Input.self)
    super.init(shape: Shape([batchSize ?? -1] + shape.dims), dtype: dtype, producer: nil)
  }
}

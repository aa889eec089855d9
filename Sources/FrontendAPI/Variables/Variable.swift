/// The one mutable thing in Plexus: a named holder of a tensor, updated in place by optimizers.
///
/// Reading ``value`` inside a recording ``GradientTape`` watches the variable (when it is
/// `trainable`), so gradients flow back to it. Equivalent to `keras.Variable`.
public final class Variable: @unchecked Sendable, CustomStringConvertible {
  /// The name, unique within its layer (`"kernel"`, `"bias"`); ``path`` adds the owners.
  public let name: String
  /// The full path assigned when a model collects its weights (`"dense.kernel"`).
  public internal(set) var path: String
  /// Whether optimizers update it and tapes watch it.
  public var trainable: Bool
  /// Whether it was made trainable: a layer's `trainable` switch toggles only these, so a
  /// weight made non-trainable (a running statistic, say) stays that way.
  let createdTrainable: Bool
  /// The element type, fixed at creation.
  public let dtype: DType
  /// The shape, fixed at creation.
  public let shape: Shape

  private var storage: Storage

  /// Creates a variable holding a copy-free reference to `initialValue`.
  public convenience init(_ initialValue: Tensor, name: String = "variable", trainable: Bool = true)
  {
    self.init(initialValue, name: name, trainable: trainable, createdTrainable: trainable)
  }

  init(_ initialValue: Tensor, name: String, trainable: Bool, createdTrainable: Bool) {
    self.name = name
    self.path = name
    self.trainable = trainable
    self.createdTrainable = createdTrainable
    self.dtype = initialValue.dtype
    self.shape = initialValue.shape
    self.storage = initialValue.buffer.storage
  }

  /// The current value. Later updates do not change a value already read.
  public var value: Tensor {
    GradientTape.recordRead(of: self, buffer)
  }

  var buffer: TensorBuffer { TensorBuffer(dtype: dtype, shape: shape, uncheckedStorage: storage) }

  /// Replaces the value; the shape and dtype must match.
  public func assign(_ newValue: Tensor) throws {
    guard newValue.shape == shape else {
      throw PlexusError.shapeMismatch(
        context: "Variable '\(path)'.assign", expected: "\(shape)", received: "\(newValue.shape)")
    }
    let converted = newValue.dtype == dtype ? newValue : try Ops.cast(newValue, to: dtype)
    storage = converted.buffer.storage
  }

  /// A buffer that may be written in place: the variable's own storage when nothing else holds
  /// it, else a private copy that the variable adopts first (so values read earlier never
  /// change).
  func mutableBuffer() throws -> TensorBuffer {
    if !isKnownUniquelyReferenced(&storage) {
      let copy = try Ops.copy(Tensor(buffer))
      storage = copy.buffer.storage
    }
    return buffer
  }

  /// The element count.
  public var count: Int { shape.elementCount }

  public var description: String { "<Variable path=\(path), shape=\(shape), dtype=\(dtype)>" }
}

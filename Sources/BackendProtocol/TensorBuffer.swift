/// What a backend computes on: a dtype, a shape and the storage holding the elements,
/// row-major and contiguous.
///
/// `TensorBuffer` is a value; the storage it points to is shared. Kernels write only into the
/// output buffer the dispatcher hands them, which nothing else references yet.
public struct TensorBuffer: @unchecked Sendable {
  /// The element type.
  public let dtype: DType
  /// The dimensions.
  public let shape: Shape
  /// The memory holding `shape.elementCount` elements of `dtype`.
  public let storage: Storage

  /// Wraps existing storage; throws unless `shape` is valid (``Shape/validated(context:)``) and
  /// the storage holds `shape.elementCount` elements of `dtype`.
  public init(dtype: DType, shape: Shape, storage: Storage) throws {
    let shape = try shape.validated(context: "TensorBuffer")
    let (bytes, overflow) = shape.elementCount.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow, bytes <= storage.byteCount else {
      throw PlexusError.invalidArgument(
        context: "TensorBuffer",
        message: "storage of \(storage.byteCount) bytes cannot hold \(dtype) \(shape)")
    }
    self.init(dtype: dtype, shape: shape, uncheckedStorage: storage)
  }

  /// Wraps storage already known to be large enough (the framework's own views).
  package init(dtype: DType, shape: Shape, uncheckedStorage storage: Storage) {
    self.dtype = dtype
    self.shape = shape
    self.storage = storage
  }

  /// Allocates uninitialised storage for `shape` from the pool; throws when `shape` is invalid
  /// or larger than this machine can hold (``Shape/validated(context:)``), or when the system
  /// has no memory to give.
  public static func allocate(_ dtype: DType, _ shape: Shape) throws -> TensorBuffer {
    let shape = try shape.validated(context: "TensorBuffer.allocate")
    let storage = try Storage(byteCount: shape.elementCount * dtype.byteSize)
    return TensorBuffer(dtype: dtype, shape: shape, uncheckedStorage: storage)
  }

  /// Allocates storage for a shape the caller has validated (``Shape/validated(context:)``),
  /// for the framework's own scratch buffers.
  package init(dtype: DType, shape: Shape) {
    self.dtype = dtype
    self.shape = shape
    let (bytes, overflow) = shape.elementCount.multipliedReportingOverflow(by: dtype.byteSize)
    self.storage = Storage(validatedByteCount: overflow ? Int.max : bytes)
  }

  /// The number of elements.
  public var count: Int { shape.elementCount }

  /// The elements as typed memory; `type` must match `dtype`'s layout.
  @inlinable
  public func pointer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
    storage.base.assumingMemoryBound(to: T.self)
  }

  /// The same elements under a new shape; the caller guarantees the same element count.
  package func reshaped(_ newShape: Shape) -> TensorBuffer {
    TensorBuffer(dtype: dtype, shape: newShape, uncheckedStorage: storage)
  }
}

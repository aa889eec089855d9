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

  /// Wraps existing storage; throws unless it holds `shape.elementCount` elements of `dtype`.
  public init(dtype: DType, shape: Shape, storage: Storage) throws {
    let (bytes, overflow) = shape.elementCount.multipliedReportingOverflow(by: dtype.byteSize)
    guard shape.isValid, !overflow, bytes <= storage.byteCount else {
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

  /// Allocates uninitialised storage for `shape` from the pool.
  public init(dtype: DType, shape: Shape) {
    self.dtype = dtype
    self.shape = shape
    let (bytes, overflow) = shape.elementCount.multipliedReportingOverflow(by: dtype.byteSize)
    self.storage = Storage(byteCount: overflow ? Int.max : bytes)
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

extension TensorBuffer {
  /// Allocates uninitialised storage for `shape` from the pool; throws when the shape is
  /// invalid or its size in bytes does not fit.
  public init(allocating dtype: DType, _ shape: Shape) throws {
    let (bytes, overflow) = shape.elementCount.multipliedReportingOverflow(by: dtype.byteSize)
    guard shape.isValid, !overflow else {
      throw PlexusError.invalidArgument(
        context: "allocate", message: "\(dtype) \(shape) is too large to allocate")
    }
    self.init(dtype: dtype, shape: shape, uncheckedStorage: Storage(byteCount: bytes))
  }
}

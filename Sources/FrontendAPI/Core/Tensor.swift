import Synchronization

/// An immutable n-dimensional array: a dtype, a shape and shared, reference-counted storage.
///
/// Tensors are values. Operations never change a tensor; they return new ones, computed on
/// whichever backend is selected (see ``Config`` and ``withBackend(_:_:)``). A tensor made
/// under one backend is usable under any other without a copy.
///
/// ```swift
/// let x = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
/// let y = try Ops.matmul(x, x) + 1
/// print(try y.scalars(Float.self))  // [8.0, 11.0, 16.0, 23.0]
/// ```
public struct Tensor: @unchecked Sendable {
  /// The elements, as backends see them.
  public let buffer: TensorBuffer
  /// The identity a gradient tape tracks this value by; 0 for values no tape watches.
  let tapeID: Int

  /// Wraps a backend buffer (no copy).
  public init(_ buffer: TensorBuffer) {
    self.buffer = buffer
    self.tapeID = 0
  }

  init(_ buffer: TensorBuffer, tapeID: Int) {
    self.buffer = buffer
    self.tapeID = tapeID
  }

  /// The element type.
  public var dtype: DType { buffer.dtype }
  /// The dimensions.
  public var shape: Shape { buffer.shape }
  /// The number of axes.
  public var rank: Int { buffer.shape.rank }
  /// The number of elements.
  public var count: Int { buffer.count }

  /// This tensor's storage under another identity (used by the tape).
  func withTapeID(_ id: Int) -> Tensor { Tensor(buffer, tapeID: id) }

  private static let nextID = Atomic<Int>(1)

  /// A process-unique identity for a newly tracked value.
  static func makeTapeID() -> Int {
    nextID.wrappingAdd(1, ordering: .relaxed).oldValue
  }
}

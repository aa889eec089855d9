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
  /// The mask a layer attached (see ``mask``).
  private let maskBox: MaskBox?

  /// Wraps a backend buffer (no copy).
  public init(_ buffer: TensorBuffer) {
    self.buffer = buffer
    self.tapeID = 0
    self.maskBox = nil
  }

  init(_ buffer: TensorBuffer, tapeID: Int) {
    self.buffer = buffer
    self.tapeID = tapeID
    self.maskBox = nil
  }

  private init(_ other: Tensor, mask: Tensor?) {
    buffer = other.buffer
    tapeID = other.tapeID
    maskBox = mask.map(MaskBox.init)
  }

  /// Which steps of this tensor hold data (`true`) and which are padding (`false`): `bool`,
  /// this tensor's shape without its feature axis (`(batch, steps)` for a sequence). A layer
  /// that makes one (``Embedding`` with `maskZero`, ``Masking``) attaches it to its output,
  /// layers that support masking pass it on, and the ones that honour it (recurrent layers,
  /// attention, ``GlobalAveragePooling1D``, the losses) read it. Ops drop it. Equivalent to
  /// Keras's `_keras_mask` (`keras.backend.get_keras_mask`).
  public var mask: Tensor? { maskBox?.mask }

  /// This tensor with `mask` attached (nil: none); the elements are shared. Equivalent to
  /// `keras.backend.set_keras_mask`.
  public func withMask(_ mask: Tensor?) -> Tensor { Tensor(self, mask: mask) }

  /// The element type.
  public var dtype: DType { buffer.dtype }
  /// The dimensions.
  public var shape: Shape { buffer.shape }
  /// The number of axes.
  public var rank: Int { buffer.shape.rank }
  /// The number of elements.
  public var count: Int { buffer.count }

  /// This tensor's storage under another identity (used by the tape); the mask stays.
  func withTapeID(_ id: Int) -> Tensor { Tensor(buffer, tapeID: id).withMask(mask) }

  private static let nextID = Atomic<Int>(1)

  /// A process-unique identity for a newly tracked value.
  static func makeTapeID() -> Int {
    nextID.wrappingAdd(1, ordering: .relaxed).oldValue
  }
}

/// A mask held by reference, so that ``Tensor`` (a value) can hold a tensor.
private final class MaskBox: Sendable {
  let mask: Tensor
  init(_ mask: Tensor) { self.mask = mask }
}

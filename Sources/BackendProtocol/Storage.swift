/// Reference-counted, 64-byte-aligned host memory behind one or more tensors.
///
/// Storage is drawn from ``StoragePool`` and returned to it when the last reference goes away.
/// Memory handed in from outside (a NumPy array, a DLPack tensor) is wrapped with its own
/// deallocator and never pooled.
public final class Storage: @unchecked Sendable {
  /// The first byte, aligned to ``Storage/alignment``.
  public let base: UnsafeMutableRawPointer
  /// Bytes the tensor may use.
  public let byteCount: Int
  private let pooledCapacity: Int
  private let deallocator: (@Sendable (UnsafeMutableRawPointer) -> Void)?

  /// The alignment of every pooled allocation, suited to AVX-512 loads.
  public static let alignment = 64

  /// Allocates uninitialised storage of at least `byteCount` bytes from the shared pool.
  public init(byteCount: Int) {
    let count = max(byteCount, 0)
    let (pointer, capacity) = StoragePool.shared.take(byteCount: count)
    self.base = pointer
    self.byteCount = count
    self.pooledCapacity = capacity
    self.deallocator = nil
  }

  /// Wraps memory owned elsewhere; `deallocator` runs when the last reference is released.
  public init(
    wrapping base: UnsafeMutableRawPointer, byteCount: Int,
    deallocator: @escaping @Sendable (UnsafeMutableRawPointer) -> Void
  ) {
    self.base = base
    self.byteCount = byteCount
    self.pooledCapacity = 0
    self.deallocator = deallocator
  }

  deinit {
    if let deallocator {
      deallocator(base)
    } else {
      StoragePool.shared.give(base, capacity: pooledCapacity)
    }
  }
}

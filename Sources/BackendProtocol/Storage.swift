#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

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
  /// What a view keeps alive (nil for memory this storage owns or was handed).
  private let viewOwner: AnyObject?
  /// Whether this is a view of memory that changes in place (a compiled step's arena or a
  /// variable's memory).
  private let isView: Bool
  /// The epoch of the newest capture under way (the frontend's compiled mode) when an op that
  /// no capture recorded wrote this storage; 0 when none did. Written by the thread that ran
  /// the op before the storage is handed out, so later readers see it.
  package var unrecordedCaptureEpoch: UInt64 = 0

  /// The alignment of every pooled allocation, suited to AVX-512 loads.
  public static let alignment = 64

  /// The most bytes one storage may hold: the machine's physical memory, so that a request no
  /// machine like this one could satisfy is an error and not an abort in the allocator.
  public static let maximumByteCount: Int = physicalMemoryBytes()

  /// Allocates uninitialised storage of `byteCount` bytes from the shared pool; throws when
  /// `byteCount` is negative, above ``maximumByteCount``, or more than the system will give.
  public init(byteCount: Int) throws {
    guard (0...Self.maximumByteCount).contains(byteCount) else {
      throw PlexusError.invalidArgument(
        context: "Storage",
        message: "cannot allocate \(byteCount) bytes: expected 0 to \(Self.maximumByteCount) "
          + "(this machine's physical memory)")
    }
    guard let (pointer, capacity) = StoragePool.shared.take(byteCount: byteCount) else {
      throw PlexusError.outOfMemory(
        "Storage: the system refused an allocation of \(byteCount) bytes (out of memory)")
    }
    self.base = pointer
    self.byteCount = byteCount
    self.pooledCapacity = capacity
    self.deallocator = nil
    self.viewOwner = nil
    self.isView = false
  }

  /// Allocates storage for a size the caller has already validated (``Shape/validated(context:)``);
  /// only the system running out of memory can stop it, and then the runtime ends the process
  /// (never a smaller buffer than asked for, which kernels would overrun).
  package init(validatedByteCount byteCount: Int) {
    let count = Swift.max(byteCount, 0)
    if let (pointer, capacity) = StoragePool.shared.take(byteCount: count) {
      self.base = pointer
      self.pooledCapacity = capacity
    } else {
      // Out of memory after validation: Swift's allocator reports it and stops the process.
      self.base = UnsafeMutableRawPointer.allocate(
        byteCount: Swift.max(count, 1), alignment: Self.alignment)
      self.pooledCapacity = 0
    }
    self.byteCount = count
    self.deallocator = nil
    self.viewOwner = nil
    self.isView = false
  }

  /// A view of `byteCount` bytes at `base`, inside memory that `owner` keeps alive (nil: memory
  /// kept alive elsewhere for as long as the view is used). A compiled step's intermediates are
  /// views into its arena and its variables views of their memory: both change in place, so a
  /// view is never cached by identity (``isCacheable``).
  package init(view base: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject?) {
    self.base = base
    self.byteCount = Swift.max(byteCount, 0)
    self.pooledCapacity = 0
    self.deallocator = nil
    self.viewOwner = owner
    self.isView = true
  }

  /// Wraps memory owned elsewhere; `deallocator` runs when the last reference is released.
  public init(
    wrapping base: UnsafeMutableRawPointer, byteCount: Int,
    deallocator: @escaping @Sendable (UnsafeMutableRawPointer) -> Void
  ) {
    self.base = base
    self.byteCount = Swift.max(byteCount, 0)
    self.pooledCapacity = 0
    self.deallocator = deallocator
    self.viewOwner = nil
    self.isView = false
  }

  /// Whether the framework allocated this memory (false for ``init(wrapping:byteCount:deallocator:)``,
  /// a caller's buffer its owner may still write).
  package var isOwnedByFramework: Bool { deallocator == nil }

  /// Whether contents may be cached by this storage's identity: memory the framework owns
  /// whose contents never change behind a reference (not a caller's buffer, not a view).
  package var isCacheable: Bool { deallocator == nil && !isView }

  deinit {
    if isView { return }
    if let deallocator {
      deallocator(base)
    } else {
      StoragePool.shared.give(base, capacity: pooledCapacity)
    }
  }

  /// Physical memory from `sysconf`, lowered to the control group's memory limit where one is
  /// set (a container's limit is what the process can really use), or 16 GiB where the system
  /// says nothing.
  private static func physicalMemoryBytes() -> Int {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let pageSize = sysconf(Int32(_SC_PAGESIZE))
    let (bytes, overflow) = Int(pages).multipliedReportingOverflow(by: Int(pageSize))
    let physical = pages > 0 && pageSize > 0 && !overflow ? bytes : 16 << 30
    return Swift.min(physical, controlGroupLimitBytes() ?? physical)
  }

  /// The memory limit of this process's control group (v2, then v1), if it sets one.
  private static func controlGroupLimitBytes() -> Int? {
    #if os(Linux)
      for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
        guard let file = fopen(path, "r") else { continue }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 32)
        guard fgets(&line, Int32(line.count), file) != nil else { continue }
        // "max" (v2) or a huge number (v1) means no limit; either way the minimum ignores it.
        let digits = line.prefix { $0 >= 0x30 && $0 <= 0x39 }.map {
          Character(UnicodeScalar(UInt8($0)))
        }
        if let limit = Int(String(digits)), limit > 0 { return limit }
      }
    #endif
    return nil
  }
}

import Synchronization
import Testing

@testable import BackendProtocol

@Suite struct StorageTests {
  @Test func everyAllocationIs64ByteAligned() throws {
    for bytes in [1, 7, 64, 100, 4096, 1 << 20, (16 << 20) + 1] {
      let storage = try Storage(byteCount: bytes)
      #expect(Int(bitPattern: storage.base) % Storage.alignment == 0, "\(bytes) bytes")
      #expect(storage.byteCount == bytes)
    }
  }

  @Test func releasedBuffersAreReused() throws {
    // Parallel tests may take a freed buffer first now and then, so look for reuse over
    // several rounds rather than in exactly one.
    let bytes = 3 * (1 << 19) + 17
    var reused = 0
    for _ in 0..<20 {
      var address: UInt = 0
      do {
        let first = try Storage(byteCount: bytes)
        address = UInt(bitPattern: first.base)
      }
      let second = try Storage(byteCount: bytes)
      if UInt(bitPattern: second.base) == address { reused += 1 }
    }
    #expect(reused > 0)
  }

  @Test func wrappedMemoryIsReleasedByItsOwnDeallocator() {
    let released = Atomic<Int>(0)
    let pointer = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
    do {
      _ = Storage(wrapping: pointer, byteCount: 16) { base in
        base.deallocate()
        released.add(1, ordering: .relaxed)
      }
    }
    #expect(released.load(ordering: .relaxed) == 1)
  }

  @Test func aBufferMustFitItsStorage() throws {
    let storage = try Storage(byteCount: 16)
    #expect(throws: PlexusError.self) {
      try TensorBuffer(dtype: .float32, shape: [1000], storage: storage)
    }
    let fits = try TensorBuffer(dtype: .float32, shape: [2, 2], storage: storage)
    #expect(fits.count == 4)
  }

  @Test func anUnsatisfiableAllocationIsAnError() {
    #expect(throws: PlexusError.self) { try Storage(byteCount: -1) }
    #expect(throws: PlexusError.self) { try Storage(byteCount: Int.max) }
    #expect(throws: PlexusError.self) { try Storage(byteCount: Storage.maximumByteCount + 1) }
    #expect(throws: PlexusError.self) { try TensorBuffer.allocate(.float32, [1 << 62]) }
    #expect(throws: PlexusError.self) { try TensorBuffer.allocate(.float64, [0, Int.max]) }
    #expect(throws: PlexusError.self) { try TensorBuffer.allocate(.int32, [-1]) }
    #expect((try? TensorBuffer.allocate(.float32, [2, 3]))?.count == 6)
  }

  @Test func aBufferOverInvalidShapeIsRefused() throws {
    let storage = try Storage(byteCount: 64)
    #expect(throws: PlexusError.self) {
      try TensorBuffer(dtype: .float32, shape: [0, Int.max], storage: storage)
    }
  }
}

import BackendProtocol
import Foundation
import Testing

@testable import Plexus

@Suite struct IDXFileTests {
  @Test func readsDimensionsAndData() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX("cube.gz", dimensions: [2, 1, 3], data: [1, 2, 3, 4, 5, 6])
    let file = try IDXFile(contentsOf: path, rank: 3)
    #expect(file.dimensions == [2, 1, 3])
    #expect(file.bytes == [1, 2, 3, 4, 5, 6])
  }

  @Test func badMagicNamesTheFile() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX(
      "labels.gz", dimensions: [2], data: [0, 1], magic: [0, 0, 0x0D, 1])
    let error = #expect(throws: PlexusError.self) { try IDXFile(contentsOf: path, rank: 1) }
    let message = error?.description ?? ""
    #expect(message.contains(path))
    #expect(message.contains("magic number is 0x00000d01, expected 0x00000801"))
  }

  @Test func truncatedDataNamesTheFile() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX("short.gz", dimensions: [4], data: [0, 1, 2])
    let error = #expect(throws: PlexusError.self) { try IDXFile(contentsOf: path, rank: 1) }
    let message = error?.description ?? ""
    #expect(message.contains(path))
    #expect(message.contains("truncated"))
  }

  @Test func trailingDataIsAnError() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX("long.gz", dimensions: [2], data: [0, 1, 2])
    let error = #expect(throws: PlexusError.self) { try IDXFile(contentsOf: path, rank: 1) }
    #expect(error?.description.contains(path) == true)
  }

  @Test(
    "A header promising more data than the file holds fails without allocating it",
    arguments: [[0xFFFF_FFFF, 0xFFFF, 1], [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFF]])
  func hugeHeader(dimensions: [Int]) throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX("huge.gz", dimensions: dimensions, data: [1, 2, 3])
    let error = #expect(throws: PlexusError.self) { try IDXFile(contentsOf: path, rank: 3) }
    #expect(error?.description.contains(path) == true)
  }

  @Test func aFIFOIsRefusedWithoutBlocking() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = directory.path + "/fifo"
    try #require(mkfifo(path, 0o600) == 0)
    // With no writer, opening a FIFO for reading would block forever.
    let error = #expect(throws: PlexusError.self) { try IDXFile(contentsOf: path, rank: 1) }
    #expect(error?.description.contains("not a regular file") == true)
  }

  @Test func aDirectoryIsRefused() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let error = #expect(throws: PlexusError.self) {
      try IDXFile(contentsOf: directory.path, rank: 1)
    }
    #expect(error?.description.contains("not a regular file") == true)
  }

  @Test func dataOverTheCapIsRefusedBeforeReading() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX(
      "big.gz", dimensions: [64], data: Array(repeating: 7, count: 64))
    #expect(try IDXFile(contentsOf: path, rank: 1, maximumBytes: 64).bytes.count == 64)
    let error = #expect(throws: PlexusError.self) {
      try IDXFile(contentsOf: path, rank: 1, maximumBytes: 63)
    }
    #expect(error?.description.contains("more than the 63") == true)
    #expect(IDXFile.maximumDataBytes <= Storage.maximumByteCount)
  }

  @Test func aGzipBombBehindASmallHeaderStopsAfterTheDeclaredBytes() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    // 64 MiB of zeros compress to about 64 KiB; the header declares 16 bytes.
    let path = try directory.writeIDX(
      "bomb.gz", dimensions: [16], data: [UInt8](repeating: 0, count: 64 << 20))
    let error = #expect(throws: PlexusError.self) { try IDXFile(contentsOf: path, rank: 1) }
    #expect(error?.description.contains("more data than the 16 bytes") == true)
  }

  @Test func aRankOutsideTheFormatIsAnError() throws {
    for rank in [0, -1, 256, Int.max, Int.min] {
      let error = #expect(throws: PlexusError.self) {
        try IDXFile(contentsOf: "/dev/null", rank: rank)
      }
      #expect(error?.description.contains("rank must be 1 to 255") == true, "\(rank)")
    }
  }
}

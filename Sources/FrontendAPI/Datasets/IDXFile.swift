import BackendProtocol
import CZlib

/// One IDX file of unsigned bytes (the format of MNIST and Fashion-MNIST): a big-endian header
/// (two zero bytes, the type code 0x08, the number of dimensions, then each dimension's size as a
/// 32-bit integer) followed by the data, row-major. Read through zlib, so the file may be
/// gzip-compressed or plain.
struct IDXFile {
  /// The size of each dimension.
  let dimensions: [Int]
  /// The data, row-major: the product of `dimensions` bytes.
  let bytes: [UInt8]

  /// The type code of unsigned bytes, the only one Plexus reads.
  private static let unsignedByte: UInt8 = 0x08
  /// Read so much at a time: the data grows only as fast as the file really delivers it, so a
  /// corrupt header that promises terabytes fails as truncated instead of exhausting memory.
  private static let chunkSize = 1 << 20

  /// Reads the file at `path`, which must hold unsigned bytes in `rank` dimensions.
  init(contentsOf path: String, rank: Int) throws {
    let reader = try GzipReader(path: path)
    defer { reader.close() }

    var magic = [UInt8](repeating: 0, count: 4)
    let magicRead = try reader.read(into: &magic, count: 4)
    let expectedMagic: [UInt8] = [0, 0, Self.unsignedByte, UInt8(truncatingIfNeeded: rank)]
    guard magicRead == 4, magic == expectedMagic else {
      let found = magic.prefix(magicRead).map { hex($0) }.joined()
      throw PlexusError.resourceUnavailable(
        "\(path) is not an IDX file of unsigned bytes in \(rank) dimensions: its magic number is "
          + "0x\(found.isEmpty ? "(none)" : found), expected 0x\(expectedMagic.map(hex).joined()) "
          + "(the file may be corrupt)")
    }

    var header = [UInt8](repeating: 0, count: 4 * rank)
    guard try reader.read(into: &header, count: header.count) == header.count else {
      throw PlexusError.resourceUnavailable("\(path) is truncated inside its IDX header")
    }
    var dimensions: [Int] = []
    var total = 1
    for axis in 0..<rank {
      let size = header[(4 * axis)..<(4 * axis + 4)].reduce(0) { $0 << 8 | Int($1) }
      let (product, overflow) = total.multipliedReportingOverflow(by: size)
      guard !overflow else {
        throw PlexusError.resourceUnavailable(
          "\(path): the IDX dimensions \(dimensions + [size]) are too large "
            + "(the file may be corrupt)")
      }
      dimensions.append(size)
      total = product
    }

    var bytes: [UInt8] = []
    bytes.reserveCapacity(min(total, 64 << 20))
    var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
    while bytes.count < total {
      let got = try reader.read(into: &chunk, count: min(chunk.count, total - bytes.count))
      if got == 0 { break }
      bytes.append(contentsOf: chunk[0..<got])
    }
    guard bytes.count == total else {
      throw PlexusError.resourceUnavailable(
        "\(path) is truncated: its header promises \(total) bytes of data "
          + "(dimensions \(dimensions)), the file holds \(bytes.count)")
    }
    guard try reader.read(into: &chunk, count: 1) == 0 else {
      throw PlexusError.resourceUnavailable(
        "\(path) holds more data than the \(total) bytes its header promises (dimensions "
          + "\(dimensions)); the file may be corrupt")
    }
    self.dimensions = dimensions
    self.bytes = bytes
  }
}

private func hex(_ byte: UInt8) -> String {
  let digits = String(byte, radix: 16)
  return digits.count == 1 ? "0" + digits : digits
}

/// A file opened with zlib's gzopen: reads gzip-compressed or plain files alike.
private struct GzipReader {
  let path: String
  private let file: gzFile

  init(path: String) throws {
    guard let file = gzopen(path, "rb") else {
      throw PlexusError.resourceUnavailable("cannot open \(path) for reading")
    }
    gzbuffer(file, 1 << 17)
    self.path = path
    self.file = file
  }

  /// Reads up to `count` bytes into the start of `buffer`; fewer only at the end of the file.
  func read(into buffer: inout [UInt8], count: Int) throws -> Int {
    let count = min(count, buffer.count)
    var total = 0
    while total < count {
      let got = buffer.withUnsafeMutableBytes { raw in
        gzread(file, raw.baseAddress.map { $0 + total }, UInt32(count - total))
      }
      if got < 0 {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
        throw PlexusError.resourceUnavailable(
          "cannot read \(path): \(message) (the file may be corrupt)")
      }
      if got == 0 { break }
      total += Int(got)
    }
    return total
  }

  func close() {
    gzclose(file)
  }
}

import BackendProtocol
import CZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One IDX file of unsigned bytes (the format of MNIST and Fashion-MNIST): a big-endian header
/// (two zero bytes, the type code 0x08, the number of dimensions, then each dimension's size as a
/// 32-bit integer) followed by the data, row-major. Read through zlib, so the file may be
/// gzip-compressed or plain.
///
/// Hostile files are expected: only regular files are opened (a FIFO or a device would block
/// or never end), the data the header declares must be at most ``maximumDataBytes`` and must
/// be exactly what the file decompresses to, and the reader never holds more than that, so a
/// gzip bomb costs at most the cap.
struct IDXFile {
  /// The size of each dimension.
  let dimensions: [Int]
  /// The data, row-major: the product of `dimensions` bytes.
  let bytes: [UInt8]

  /// The type code of unsigned bytes, the only one Plexus reads.
  private static let unsignedByte: UInt8 = 0x08
  /// Read so much at a time: the data grows only as fast as the file really delivers it, so a
  /// corrupt header that promises terabytes fails as truncated instead of exhausting memory.
  static let chunkSize = 1 << 20
  /// The most data bytes a file may declare: 2 GiB (Fashion-MNIST's largest file holds 47 MB),
  /// or a quarter of physical memory on a smaller machine.
  static let maximumDataBytes = min(2 << 30, Storage.maximumByteCount / 4)

  /// Reads the file at `path`, which must hold unsigned bytes in `rank` dimensions and declare
  /// at most `maximumBytes` of data.
  init(contentsOf path: String, rank: Int, maximumBytes: Int = IDXFile.maximumDataBytes) throws {
    var bytes: [UInt8] = []
    dimensions = try Self.read(path, rank: rank, maximumBytes: maximumBytes) { reader, total, _ in
      bytes.reserveCapacity(min(total, 64 << 20))
      var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
      while bytes.count < total {
        let got = try reader.read(into: &chunk, count: min(chunk.count, total - bytes.count))
        if got == 0 { break }
        bytes.append(contentsOf: chunk[0..<got])
      }
      return bytes.count
    }
    self.bytes = bytes
  }

  /// Checks the magic number and reads the header of the IDX file at `path`, lets `readData`
  /// read the data (it returns how many bytes it read, at most the `total` it is given), then
  /// checks that the file held exactly that much. Returns the dimensions.
  static func read(
    _ path: String, rank: Int, maximumBytes: Int,
    readData: (GzipReader, _ total: Int, _ dimensions: [Int]) throws -> Int
  ) throws -> [Int] {
    guard (1...255).contains(rank) else {
      throw PlexusError.invalidArgument(
        context: "IDXFile", message: "rank must be 1 to 255, received \(rank)")
    }
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
    guard total <= maximumBytes else {
      throw PlexusError.resourceUnavailable(
        "\(path): the IDX dimensions \(dimensions) declare \(total) bytes of data, more than the "
          + "\(maximumBytes) this loader reads (the file may be corrupt)")
    }

    let got = try readData(reader, total, dimensions)
    guard got == total else {
      throw PlexusError.resourceUnavailable(
        "\(path) is truncated: its header promises \(total) bytes of data "
          + "(dimensions \(dimensions)), the file holds \(got)")
    }
    var extra = [UInt8](repeating: 0, count: 1)
    guard try reader.read(into: &extra, count: 1) == 0 else {
      throw PlexusError.resourceUnavailable(
        "\(path) holds more data than the \(total) bytes its header promises (dimensions "
          + "\(dimensions)); the file may be corrupt")
    }
    return dimensions
  }
}

/// POSIX `close`, out of reach of `GzipReader.close()`'s name.
private func closeDescriptor(_ descriptor: Int32) {
  _ = close(descriptor)
}

private func hex(_ byte: UInt8) -> String {
  let digits = String(byte, radix: 16)
  return digits.count == 1 ? "0" + digits : digits
}

/// A file opened with zlib's gzopen: reads gzip-compressed or plain files alike.
struct GzipReader {
  let path: String
  private let file: gzFile

  /// Opens `path` when it is a regular file. The open itself never blocks (`O_NONBLOCK`, which
  /// lets a FIFO without a writer open at once), and the type is checked on the opened
  /// descriptor, so nothing can swap the file between the check and the read.
  init(path: String) throws {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      throw PlexusError.resourceUnavailable("cannot open \(path) for reading: \(reason)")
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      closeDescriptor(descriptor)
      throw PlexusError.resourceUnavailable(
        "cannot read \(path): not a regular file (a directory, FIFO, socket or device)")
    }
    guard let file = gzdopen(descriptor, "rb") else {
      closeDescriptor(descriptor)
      throw PlexusError.resourceUnavailable("cannot open \(path) for reading")
    }
    gzbuffer(file, 1 << 17)
    self.path = path
    self.file = file
  }

  /// Reads up to `count` bytes into the start of `buffer`; fewer only at the end of the file.
  func read(into buffer: inout [UInt8], count: Int) throws -> Int {
    let count = min(count, buffer.count)
    return try buffer.withUnsafeMutableBytes { raw in
      try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<count]))
    }
  }

  /// Fills `buffer` from the file; returns the bytes read, fewer only at the end of the file.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var total = 0
    while total < buffer.count {
      let got = gzread(
        file, buffer.baseAddress.map { $0 + total }, UInt32(clamping: buffer.count - total))
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

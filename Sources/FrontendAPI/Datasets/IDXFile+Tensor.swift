// Apart from IDXFile.swift, which the IDX fuzz target (scripts/fuzz-idx.sh) compiles alone,
// without the frontend's Tensor.
extension IDXFile {
  /// Reads the file at `path` (as `init(contentsOf:rank:maximumBytes:)` does) straight into a
  /// `uint8` tensor of its dimensions, with no intermediate array: the file's data is held once.
  /// The tensor is allocated at the size the header declares (at most `maximumBytes`); pages
  /// the file does not fill are never touched, so a truncated file costs little memory.
  static func tensor(
    contentsOf path: String, rank: Int, maximumBytes: Int = IDXFile.maximumDataBytes
  ) throws -> Tensor {
    var buffer: TensorBuffer?
    _ = try read(path, rank: rank, maximumBytes: maximumBytes) { reader, _, dimensions in
      let target = try TensorBuffer.allocate(.uint8, Shape(dimensions))
      buffer = target
      let bytes = UnsafeMutableRawBufferPointer(
        start: target.pointer(UInt8.self), count: target.count)
      var done = 0
      while done < bytes.count {
        let got = try reader.read(
          into: UnsafeMutableRawBufferPointer(
            rebasing: bytes[done..<min(bytes.count, done + Self.chunkSize)]))
        if got == 0 { break }
        done += got
      }
      return done
    }
    guard let buffer else {
      throw PlexusError.invalidState(context: "IDXFile.tensor", message: "no data was read")
    }
    return Tensor(buffer)
  }
}

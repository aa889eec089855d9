import CZlib
import Foundation
import Testing

/// A fresh temporary directory for synthetic IDX files, removed by `remove()`.
struct IDXTestDirectory {
  let path: String

  init() throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("plexus-idx-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// Writes a gzip-compressed IDX file of unsigned bytes; `magic` overrides the header's first
  /// four bytes. Returns its path.
  @discardableResult
  func writeIDX(
    _ name: String, dimensions: [Int], data: [UInt8], magic: [UInt8]? = nil
  ) throws -> String {
    let file = path + "/" + name
    var bytes = magic ?? [0, 0, 0x08, UInt8(dimensions.count)]
    for size in dimensions {
      bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) }
    }
    bytes += data
    let gz = try #require(gzopen(file, "wb"), "gzopen failed for \(file)")
    let written = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
    gzclose(gz)
    try #require(Int(written) == bytes.count, "gzwrite failed for \(file)")
    return file
  }

  /// Writes the four Fashion-MNIST files: `train` and `test` images of 2 × 3 pixels whose values
  /// count up from the set's first image index, labelled `i % 10`.
  func writeFashionMNIST(train: Int, test: Int) throws {
    for (prefix, count) in [("train", train), ("t10k", test)] {
      try writeIDX(
        "\(prefix)-images-idx3-ubyte.gz", dimensions: [count, 2, 3],
        data: (0..<(count * 6)).map { UInt8(truncatingIfNeeded: $0) })
      try writeIDX(
        "\(prefix)-labels-idx1-ubyte.gz", dimensions: [count],
        data: (0..<count).map { UInt8($0 % 10) })
    }
  }
}

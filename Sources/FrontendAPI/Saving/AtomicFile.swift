import Foundation

/// Replacing a file so that a crash at any moment leaves either the old file or the new one,
/// never a mix: the new content is written beside the target (same directory, so the same file
/// system), flushed to disk, renamed over the target, and the directory entry flushed too.
enum AtomicFile {
  private static let counter = Locked(0)

  /// Runs `write` with a fresh temporary path beside `path`, then moves what it wrote there
  /// onto `path`. The temporary file is removed when anything fails.
  static func replace(_ path: String, context: String, write: (String) throws -> Void) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw PlexusError.resourceUnavailable(
        "\(context): cannot write '\(path)': directory '\(directory)' does not exist")
    }
    let serial = counter.withLock { value -> Int in
      value += 1
      return value
    }
    let temporary =
      directory + "/." + url.lastPathComponent + ".plexus-\(getpid())-\(serial).tmp"
    do {
      try write(temporary)
      try synchronize(temporary, context: context)
      guard rename(temporary, path) == 0 else {
        throw PlexusError.resourceUnavailable(
          "\(context): cannot move the new file onto '\(path)': \(String(cString: strerror(errno)))"
        )
      }
    } catch {
      unlink(temporary)
      throw error
    }
    // The rename is durable once the directory is on disk; a failure here loses nothing.
    try? synchronize(directory, context: context)
  }

  /// Writes `bytes` as the new content of `path`, atomically.
  static func write(_ bytes: [UInt8], to path: String, context: String) throws {
    try replace(path, context: context) { temporary in
      guard let handle = fopen(temporary, "wb") else {
        throw PlexusError.resourceUnavailable(
          "\(context): cannot create '\(temporary)': \(String(cString: strerror(errno)))")
      }
      let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
      let closed = fclose(handle)
      guard written == bytes.count, closed == 0 else {
        throw PlexusError.resourceUnavailable(
          "\(context): cannot write '\(temporary)': \(String(cString: strerror(errno)))")
      }
    }
  }

  /// Flushes the file or directory at `path` to disk.
  private static func synchronize(_ path: String, context: String) throws {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw PlexusError.resourceUnavailable(
        "\(context): cannot open '\(path)' to flush it: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else {
      throw PlexusError.resourceUnavailable(
        "\(context): cannot flush '\(path)' to disk: \(String(cString: strerror(errno)))")
    }
  }

  /// Throws unless `path` is a regular file (opening a FIFO or a device would block or never
  /// end), with the size it has.
  @discardableResult
  static func requireRegularFile(_ path: String, context: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw PlexusError.resourceUnavailable(
        "\(context): cannot open '\(path)': \(String(cString: strerror(errno)))")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw PlexusError.invalidArgument(
        context: context, message: "'\(path)' is not a regular file")
    }
    return Int(info.st_size)
  }

  /// Reads the whole file at `path`, refusing one larger than `limit` bytes.
  static func read(_ path: String, limit: Int, context: String) throws -> [UInt8] {
    let size = try requireRegularFile(path, context: context)
    guard size <= limit else {
      throw PlexusError.invalidArgument(
        context: context, message: "'\(path)' is larger than \(limit) bytes")
    }
    guard let handle = fopen(path, "rb") else {
      throw PlexusError.resourceUnavailable(
        "\(context): cannot open '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
      if count == 0 { break }
      guard bytes.count + count <= limit else {
        throw PlexusError.invalidArgument(
          context: context, message: "'\(path)' is larger than \(limit) bytes")
      }
      bytes.append(contentsOf: chunk.prefix(count))
    }
    guard ferror(handle) == 0 else {
      throw PlexusError.resourceUnavailable(
        "\(context): cannot read '\(path)': \(String(cString: strerror(errno)))")
    }
    return bytes
  }
}

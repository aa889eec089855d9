import CZip
import Foundation

/// Zip files through Debian's libzip: writing a whole archive at once, and reading the members
/// of one, with the checks a file from anywhere needs (CRC, sizes, compression ratio).
enum ZipArchive {
  /// One member to write.
  struct Member {
    let name: String
    let bytes: [UInt8]
    /// Deflate it (JSON) or store it as is (weights, which do not compress).
    let compressed: Bool
  }

  /// A member may expand at most this many times over its compressed size (plus 1 MiB): more is
  /// a zip bomb, refused before it is inflated.
  static let maximumExpansion = 1000

  /// Writes `members` as a new zip at `path` (replacing any file there).
  static func write(_ members: [Member], to path: String) throws {
    var code: Int32 = 0
    guard let archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
      throw PlexusError.resourceUnavailable("cannot create zip file '\(path)': \(describe(code))")
    }
    // libzip reads the sources at `zip_close`, so the members' bytes stay alive until then.
    let buffers = members.map { member -> UnsafeMutableRawBufferPointer in
      let buffer = UnsafeMutableRawBufferPointer.allocate(
        byteCount: max(member.bytes.count, 1), alignment: 16)
      member.bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
      return buffer
    }
    defer { for buffer in buffers { buffer.deallocate() } }
    do {
      for (member, buffer) in zip(members, buffers) {
        guard
          let source = zip_source_buffer(
            archive, buffer.baseAddress, zip_uint64_t(member.bytes.count), 0)
        else { throw failure(archive, "cannot add '\(member.name)' to '\(path)'") }
        let index = zip_file_add(
          archive, member.name, source, zip_flags_t(ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
          zip_source_free(source)
          throw failure(archive, "cannot add '\(member.name)' to '\(path)'")
        }
        let method = member.compressed ? ZIP_CM_DEFLATE : ZIP_CM_STORE
        guard zip_set_file_compression(archive, zip_uint64_t(index), method, 0) == 0 else {
          throw failure(archive, "cannot set the compression of '\(member.name)'")
        }
      }
    } catch {
      zip_discard(archive)
      throw error
    }
    guard zip_close(archive) == 0 else {
      let error = failure(archive, "cannot write zip file '\(path)'")
      zip_discard(archive)
      throw error
    }
  }

  /// An open zip file to read members from.
  final class Reader {
    private let archive: OpaquePointer
    private let label: String

    /// Opens the zip file at `path`.
    init(path: String) throws {
      try AtomicFile.requireRegularFile(path, context: "zip")
      var code: Int32 = 0
      guard let archive = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
        throw ZipArchive.openError(code, label: "'\(path)'")
      }
      self.archive = archive
      label = "'\(path)'"
    }

    /// Opens a zip held in memory (a copy of `bytes` is kept).
    init(bytes: [UInt8], label: String) throws {
      var error = zip_error_t()
      zip_error_init(&error)
      defer { zip_error_fini(&error) }
      // freep = 1: libzip frees the copy with the source, with `free`, so it comes from malloc.
      guard let heap = malloc(max(bytes.count, 1)) else {
        throw PlexusError.outOfMemory("cannot hold \(bytes.count) bytes of \(label)")
      }
      bytes.withUnsafeBytes { source in
        if let base = source.baseAddress { heap.copyMemory(from: base, byteCount: source.count) }
      }
      guard let source = zip_source_buffer_create(heap, zip_uint64_t(bytes.count), 1, &error)
      else {
        free(heap)
        throw PlexusError.invalidArgument(
          context: label,
          message: "cannot read it as zip: \(String(cString: zip_error_strerror(&error)))")
      }
      guard let archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) else {
        zip_source_free(source)
        throw PlexusError.invalidArgument(
          context: label,
          message: "is not a valid zip file: \(String(cString: zip_error_strerror(&error)))")
      }
      self.archive = archive
      self.label = label
    }

    deinit { zip_discard(archive) }

    /// The names of the members, in the archive's order.
    var names: [String] {
      let count = zip_get_num_entries(archive, 0)
      guard count > 0 else { return [] }
      return (0..<count).compactMap { index in
        zip_get_name(archive, zip_uint64_t(index), zip_flags_t(ZIP_FL_ENC_GUESS)).map {
          String(cString: $0)
        }
      }
    }

    /// The bytes of member `name`, or nil when there is none. Refuses a member larger than
    /// `limit` bytes, one that expands more than ``ZipArchive/maximumExpansion`` times, and one
    /// whose CRC or size does not match its header.
    func read(_ name: String, limit: Int) throws -> [UInt8]? {
      let index = zip_name_locate(archive, name, 0)
      guard index >= 0 else { return nil }
      var info = zip_stat_t()
      zip_stat_init(&info)
      guard zip_stat_index(archive, zip_uint64_t(index), 0, &info) == 0,
        info.valid & zip_uint64_t(ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)
          == zip_uint64_t(ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)
      else {
        throw PlexusError.invalidArgument(
          context: "\(label) member '\(name)'", message: "has an unreadable header")
      }
      guard info.size <= UInt64(limit) else {
        throw PlexusError.invalidArgument(
          context: "\(label) member '\(name)'",
          message: "declares \(info.size) bytes; at most \(limit) are accepted")
      }
      let expansionLimit = info.comp_size.multipliedReportingOverflow(
        by: UInt64(ZipArchive.maximumExpansion))
      if info.comp_method != zip_uint16_t(ZIP_CM_STORE),
        !expansionLimit.overflow, info.size > expansionLimit.partialValue + (1 << 20)
      {
        throw PlexusError.invalidArgument(
          context: "\(label) member '\(name)'",
          message: "expands \(info.size) bytes from \(info.comp_size): refused as a zip bomb")
      }
      guard let file = zip_fopen_index(archive, zip_uint64_t(index), 0) else {
        throw ZipArchive.failure(archive, "cannot open member '\(name)' of \(label)")
      }
      defer { zip_fclose(file) }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(Int(min(info.size, 1 << 26)))
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let read = chunk.withUnsafeMutableBytes { buffer -> zip_int64_t in
          guard let base = buffer.baseAddress else { return -1 }
          return zip_fread(file, base, zip_uint64_t(buffer.count))
        }
        if read == 0 { break }
        guard read > 0 else {
          throw PlexusError.invalidArgument(
            context: "\(label) member '\(name)'",
            message: "is damaged: \(String(cString: zip_file_strerror(file)))")
        }
        guard bytes.count + Int(read) <= Int(info.size) else {
          throw PlexusError.invalidArgument(
            context: "\(label) member '\(name)'",
            message: "holds more than the \(info.size) bytes its header declares")
        }
        bytes.append(contentsOf: chunk.prefix(Int(read)))
      }
      guard bytes.count == Int(info.size) else {
        throw PlexusError.invalidArgument(
          context: "\(label) member '\(name)'",
          message: "holds \(bytes.count) bytes; its header declares \(info.size)")
      }
      return bytes
    }
  }

  private static func describe(_ code: Int32) -> String {
    var error = zip_error_t()
    zip_error_init_with_code(&error, code)
    defer { zip_error_fini(&error) }
    return String(cString: zip_error_strerror(&error))
  }

  fileprivate static func openError(_ code: Int32, label: String) -> PlexusError {
    if code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ {
      return PlexusError.resourceUnavailable("cannot open \(label): \(describe(code))")
    }
    return PlexusError.invalidArgument(
      context: label, message: "is not a valid zip file: \(describe(code))")
  }

  fileprivate static func failure(_ archive: OpaquePointer, _ message: String) -> PlexusError {
    PlexusError.invalidArgument(
      context: "zip", message: "\(message): \(String(cString: zip_strerror(archive)))")
  }
}

import CHDF5

/// An HDF5 file held in memory (HDF5's core driver, no file on disk), through Debian's libhdf5:
/// the `model.weights.h5` inside a `.keras` zip, or a `.weights.h5` file read whole.
///
/// Only what Keras's files use: groups, datasets of numbers, and string attributes (written
/// here; read by ``stringAttribute(_:of:)`` for the legacy `.h5` format).
/// Every call into libhdf5 holds one process-wide lock (HDF5 keeps global state), and HDF5's
/// own printing of errors is switched off: a failure becomes a `PlexusError` naming the object
/// and HDF5's innermost message.
final class HDF5File {
  /// The element types a dataset may hold here, with their sizes in bytes.
  enum Element: Equatable {
    case float32, float64, int32, int64, uint8

    var byteCount: Int {
      switch self {
      case .float32, .int32: 4
      case .float64, .int64: 8
      case .uint8: 1
      }
    }

    fileprivate var nativeType: hid_t {
      switch self {
      case .float32: px_h5_native_float()
      case .float64: px_h5_native_double()
      case .int32: px_h5_native_int32()
      case .int64: px_h5_native_int64()
      case .uint8: px_h5_native_uint8()
      }
    }
  }

  private static let lock = Locked(0)
  let file: hid_t
  /// The name the file is known by inside HDF5 (one per open file), for messages.
  let label: String

  private init(file: hid_t, label: String) {
    self.file = file
    self.label = label
  }

  deinit {
    Self.lock.withLock { _ in _ = H5Fclose(file) }
  }

  /// A new, empty file in memory.
  static func create(label: String) throws -> HDF5File {
    try locked { serial in
      let name = "plexus-\(serial)-\(label)"
      let access = try memoryAccess(context: label)
      defer { H5Pclose(access) }
      let file = H5Fcreate(name, px_h5_acc_trunc(), px_h5_default(), access)
      guard file >= 0 else { throw failure("cannot create the HDF5 file \(label)") }
      return HDF5File(file: file, label: label)
    }
  }

  /// The file whose bytes are `image` (a copy is taken). Anything that is not HDF5 is an error.
  static func open(image: [UInt8], label: String) throws -> HDF5File {
    guard image.count >= 8, image.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
    else {
      throw PlexusError.invalidArgument(
        context: label, message: "is not an HDF5 file (it does not start with HDF5's signature)")
    }
    return try locked { serial in
      let name = "plexus-\(serial)-\(label)"
      let access = try memoryAccess(context: label)
      defer { H5Pclose(access) }
      let status = image.withUnsafeBytes { bytes in
        H5Pset_file_image(access, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
      }
      guard status >= 0 else { throw failure("cannot hand \(label) to HDF5") }
      let file = H5Fopen(name, px_h5_acc_rdonly(), access)
      guard file >= 0 else { throw failure("cannot open \(label) as HDF5") }
      return HDF5File(file: file, label: label)
    }
  }

  /// The file's bytes, as they would be on disk.
  func image() throws -> [UInt8] {
    try Self.locked { _ in
      guard H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0 else {
        throw Self.failure("cannot flush \(label)")
      }
      let size = H5Fget_file_image(file, nil, 0)
      guard size > 0 else { throw Self.failure("cannot take the image of \(label)") }
      var bytes = [UInt8](repeating: 0, count: size)
      let copied = bytes.withUnsafeMutableBytes { H5Fget_file_image(file, $0.baseAddress, size) }
      guard copied == size else { throw Self.failure("cannot copy the image of \(label)") }
      return bytes
    }
  }

  // MARK: Writing

  /// Creates the group at `path` ("a/b/c") and any missing group above it.
  func createGroup(_ path: String) throws {
    try Self.locked { _ in
      var current = ""
      for component in path.split(separator: "/") {
        current += (current.isEmpty ? "" : "/") + component
        if try linkExists(current) { continue }
        let group = H5Gcreate2(file, current, px_h5_default(), px_h5_default(), px_h5_default())
        guard group >= 0 else { throw Self.failure("cannot create group '\(current)' in \(label)") }
        H5Gclose(group)
      }
    }
  }

  /// Sets a variable-length UTF-8 string attribute on the group at `path`, as h5py writes
  /// `group.attrs[name] = value`.
  func setAttribute(_ name: String, _ value: String, onGroup path: String) throws {
    try Self.locked { _ in
      let group = H5Gopen2(file, path, px_h5_default())
      guard group >= 0 else { throw Self.failure("no group '\(path)' in \(label)") }
      defer { H5Gclose(group) }
      let type = H5Tcopy(px_h5_c_s1())
      defer { H5Tclose(type) }
      H5Tset_size(type, px_h5_variable())
      H5Tset_cset(type, H5T_CSET_UTF8)
      let space = H5Screate(H5S_SCALAR)
      defer { H5Sclose(space) }
      let attribute = H5Acreate2(group, name, type, space, px_h5_default(), px_h5_default())
      guard attribute >= 0 else {
        throw Self.failure("cannot create attribute '\(name)' on '\(path)' in \(label)")
      }
      defer { H5Aclose(attribute) }
      let status = value.withCString { text -> herr_t in
        var pointer: UnsafePointer<CChar>? = text
        return withUnsafePointer(to: &pointer) { H5Awrite(attribute, type, $0) }
      }
      guard status >= 0 else {
        throw Self.failure("cannot write attribute '\(name)' on '\(path)' in \(label)")
      }
    }
  }

  /// Writes a dataset at `path` (its group must exist) from `bytes`, in native layout.
  func writeDataset(
    _ path: String, shape: [Int], element: Element, bytes: UnsafeRawBufferPointer
  ) throws {
    try Self.locked { _ in
      var dims = shape.map { hsize_t($0) }
      let space =
        shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dims, nil)
      guard space >= 0 else { throw Self.failure("cannot describe dataset '\(path)' in \(label)") }
      defer { H5Sclose(space) }
      let dataset = H5Dcreate2(
        file, path, element.nativeType, space, px_h5_default(), px_h5_default(), px_h5_default())
      guard dataset >= 0 else { throw Self.failure("cannot create dataset '\(path)' in \(label)") }
      defer { H5Dclose(dataset) }
      let expected = shape.reduce(1, *) * element.byteCount
      guard bytes.count == expected else {
        throw PlexusError.invalidState(
          context: "\(label) dataset '\(path)'",
          message: "holds \(bytes.count) bytes for \(expected) (shape \(shape))")
      }
      if expected > 0,
        H5Dwrite(
          dataset, element.nativeType, px_h5_all(), px_h5_all(), px_h5_default(),
          bytes.baseAddress) < 0
      {
        throw Self.failure("cannot write dataset '\(path)' in \(label)")
      }
    }
  }

  // MARK: Reading

  /// Whether a group or dataset exists at `path` ("" is the root group).
  func exists(_ path: String) throws -> Bool {
    try Self.locked { _ in
      var current = ""
      for component in path.split(separator: "/") {
        current += (current.isEmpty ? "" : "/") + component
        guard try linkExists(current) else { return false }
      }
      return true
    }
  }

  /// The names of the members of the group at `path`, in HDF5's name order.
  func members(ofGroup path: String) throws -> [String] {
    try Self.locked { _ in
      let group = H5Gopen2(file, path.isEmpty ? "/" : path, px_h5_default())
      guard group >= 0 else { throw Self.failure("'\(path)' is not a group in \(label)") }
      defer { H5Gclose(group) }
      var info = H5G_info_t()
      guard H5Gget_info(group, &info) >= 0 else {
        throw Self.failure("cannot list group '\(path)' in \(label)")
      }
      var names: [String] = []
      for index in 0..<info.nlinks {
        let length = H5Lget_name_by_idx(
          group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, px_h5_default())
        guard length >= 0, length < 4096 else {
          throw Self.failure("cannot read a member name of '\(path)' in \(label)")
        }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        guard
          H5Lget_name_by_idx(
            group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count,
            px_h5_default()) >= 0
        else { throw Self.failure("cannot read a member name of '\(path)' in \(label)") }
        // CChar is signed here: a name byte ≥ 0x80 must not trap in a conversion.
        names.append(
          String(
            decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
      }
      return names
    }
  }

  /// Reads the dataset at `path`, converted to `element`, refusing before any allocation one
  /// whose shape is not `expectedShape` (so a forged file cannot ask for terabytes).
  /// Returns its bytes, native (little-endian here).
  func readDataset(_ path: String, as element: Element, expectedShape: [Int]) throws -> [UInt8] {
    try Self.locked { _ in
      let dataset = H5Dopen2(file, path, px_h5_default())
      guard dataset >= 0 else { throw Self.failure("no dataset '\(path)' in \(label)") }
      defer { H5Dclose(dataset) }
      let shape = try datasetShape(dataset, path: path)
      guard shape == expectedShape else {
        throw PlexusError.shapeMismatch(
          context: "\(label) dataset '\(path)'", expected: "\(expectedShape)",
          received: "\(shape)")
      }
      let type = H5Dget_type(dataset)
      guard type >= 0 else { throw Self.failure("cannot read the type of '\(path)' in \(label)") }
      defer { H5Tclose(type) }
      let typeClass = H5Tget_class(type)
      guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
        throw PlexusError.invalidArgument(
          context: "\(label) dataset '\(path)'",
          message: "holds neither floats nor integers (HDF5 type class \(typeClass.rawValue))")
      }
      let count = shape.reduce(1, *)
      var bytes = [UInt8](repeating: 0, count: count * element.byteCount)
      if count > 0 {
        let status = bytes.withUnsafeMutableBytes {
          H5Dread(
            dataset, element.nativeType, px_h5_all(), px_h5_all(), px_h5_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw Self.failure("cannot read dataset '\(path)' in \(label)") }
      }
      return bytes
    }
  }

  // MARK: Helpers (called with the lock held)

  private func datasetShape(_ dataset: hid_t, path: String) throws -> [Int] {
    let space = H5Dget_space(dataset)
    guard space >= 0 else { throw Self.failure("cannot read the shape of '\(path)' in \(label)") }
    defer { H5Sclose(space) }
    let rank = H5Sget_simple_extent_ndims(space)
    guard rank >= 0, rank <= 32 else {
      throw PlexusError.invalidArgument(
        context: "\(label) dataset '\(path)'", message: "has an unreadable rank \(rank)")
    }
    var dims = [hsize_t](repeating: 0, count: Int(rank))
    guard H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else {
      throw Self.failure("cannot read the shape of '\(path)' in \(label)")
    }
    var total = 1
    var shape: [Int] = []
    for dim in dims {
      guard dim <= UInt64(Int32.max) else {
        throw PlexusError.invalidArgument(
          context: "\(label) dataset '\(path)'", message: "has an axis of \(dim) elements")
      }
      let (product, overflow) = total.multipliedReportingOverflow(by: Int(dim))
      guard !overflow, product <= 1 << 40 else {
        throw PlexusError.invalidArgument(
          context: "\(label) dataset '\(path)'", message: "has too many elements (\(dims))")
      }
      total = product
      shape.append(Int(dim))
    }
    return shape
  }

  private func linkExists(_ path: String) throws -> Bool {
    let status = H5Lexists(file, path, px_h5_default())
    guard status >= 0 else { throw Self.failure("cannot look up '\(path)' in \(label)") }
    return status > 0
  }

  private static func memoryAccess(context: String) throws -> hid_t {
    let access = H5Pcreate(px_h5_file_access())
    guard access >= 0, H5Pset_fapl_core(access, 1 << 20, false) >= 0 else {
      if access >= 0 { H5Pclose(access) }
      throw failure("cannot set up HDF5 in memory for \(context)")
    }
    return access
  }

  /// Runs `body` holding the HDF5 lock, with HDF5's error printing off; `serial` counts calls so
  /// that files in memory get distinct names.
  static func locked<Result>(_ body: (Int) throws -> Result) throws -> Result {
    try lock.withLock { serial in
      // HDF5 keeps an error stack, and its printing switch, per thread.
      H5Eset_auto2(px_h5_error_default(), nil, nil)
      serial += 1
      return try body(serial)
    }
  }

  /// The error for a failed HDF5 call: `message` and HDF5's innermost explanation.
  static func failure(_ message: String) -> PlexusError {
    var details: [String] = []
    withUnsafeMutablePointer(to: &details) { pointer in
      _ = H5Ewalk2(
        px_h5_error_default(), H5E_WALK_UPWARD,
        { _, entry, context in
          guard let entry, let context, let description = entry.pointee.desc else { return 0 }
          context.assumingMemoryBound(to: [String].self).pointee.append(
            String(cString: description))
          return 0
        }, pointer)
    }
    H5Eclear2(px_h5_error_default())
    let reason = details.first.map { " (HDF5: \($0))" } ?? ""
    return PlexusError.invalidArgument(context: "HDF5", message: message + reason)
  }
}

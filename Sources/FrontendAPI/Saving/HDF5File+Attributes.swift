import CHDF5

extension HDF5File {
  /// The most strings an attribute may hold here, and the longest string: a forged file cannot
  /// ask for more.
  static let attributeStringLimit = 1 << 20
  static let attributeByteLimit = 256 << 20

  /// The strings of the attribute `name` on the group or dataset at `path` ("" is the root):
  /// one for a scalar, every entry of a one-dimensional array; variable-length strings (as
  /// h5py writes `str`) or fixed-length ones (as it writes `bytes`, NUL-padded), as text. Nil
  /// when the object has no such attribute; an error when it is not a string attribute.
  /// Variable-length strings are read through libhdf5, which trusts the file: check the
  /// attribute first with ``checkStringAttributes(_:names:label:)``.
  func stringAttribute(_ name: String, of path: String) throws -> [String]? {
    try Self.locked { _ in
      let object = H5Oopen(file, path.isEmpty ? "/" : path, px_h5_default())
      guard object >= 0 else { throw Self.failure("no object '\(path)' in \(label)") }
      defer { H5Oclose(object) }
      let exists = H5Aexists(object, name)
      guard exists >= 0 else {
        throw Self.failure("cannot look up attribute '\(name)' of '\(path)' in \(label)")
      }
      guard exists > 0 else { return nil }
      let attribute = H5Aopen(object, name, px_h5_default())
      guard attribute >= 0 else {
        throw Self.failure("cannot open attribute '\(name)' of '\(path)' in \(label)")
      }
      defer { H5Aclose(attribute) }
      return try readStrings(attribute, what: "attribute '\(name)' of '\(path)'")
    }
  }

  /// Reads a string attribute (the lock held).
  private func readStrings(_ attribute: hid_t, what: String) throws -> [String] {
    let fileType = H5Aget_type(attribute)
    guard fileType >= 0 else { throw Self.failure("cannot read the type of \(what) in \(label)") }
    defer { H5Tclose(fileType) }
    // An empty list is written by h5py as an empty float64 array (Keras's weight_names of a
    // layer without weights).
    let space = H5Aget_space(attribute)
    guard space >= 0 else { throw Self.failure("cannot read the shape of \(what) in \(label)") }
    defer { H5Sclose(space) }
    let points = H5Sget_simple_extent_npoints(space)
    guard points >= 0, points <= Self.attributeStringLimit else {
      throw PlexusError.invalidArgument(
        context: "\(label) \(what)", message: "holds \(points) entries")
    }
    let count = Int(points)
    guard H5Tget_class(fileType) == H5T_STRING else {
      if count == 0 { return [] }
      throw PlexusError.invalidArgument(
        context: "\(label) \(what)", message: "is not a string attribute")
    }
    guard count > 0 else { return [] }
    let memoryType = H5Tcopy(fileType)
    guard memoryType >= 0 else { throw Self.failure("cannot copy the type of \(what)") }
    defer { H5Tclose(memoryType) }
    if H5Tis_variable_str(fileType) > 0 {
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      guard H5Aread(attribute, memoryType, &pointers) >= 0 else {
        throw Self.failure("cannot read \(what) in \(label)")
      }
      defer { _ = H5Dvlen_reclaim(memoryType, space, px_h5_default(), &pointers) }
      return try pointers.map { pointer in
        guard let pointer else { return "" }
        var length = 0
        while length < Self.attributeByteLimit, pointer[length] != 0 { length += 1 }
        guard length < Self.attributeByteLimit else {
          throw PlexusError.invalidArgument(
            context: "\(label) \(what)", message: "holds a string too long to read")
        }
        return String(
          decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
      }
    }
    let size = H5Tget_size(fileType)
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard size > 0, !overflow, total <= Self.attributeByteLimit else {
      throw PlexusError.invalidArgument(
        context: "\(label) \(what)", message: "holds \(count) strings of \(size) bytes")
    }
    var bytes = [UInt8](repeating: 0, count: total)
    guard bytes.withUnsafeMutableBytes({ H5Aread(attribute, memoryType, $0.baseAddress) }) >= 0
    else { throw Self.failure("cannot read \(what) in \(label)") }
    return (0..<count).map { index in
      let entry = bytes[(index * size)..<((index + 1) * size)]
      // NUL- or space-padded, as HDF5's fixed-length strings are.
      let text = entry.prefix { $0 != 0 }
      return String(decoding: text, as: UTF8.self).trimmingTrailingSpaces()
    }
  }
}

extension String {
  /// The string without trailing spaces (a space-padded HDF5 string).
  fileprivate func trimmingTrailingSpaces() -> String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}

import Foundation

extension HDF5File {
  /// Checks, before libhdf5 reads them, the variable-length string attributes named `names`
  /// wherever they are stored in `image`. libhdf5 1.10 copies a global heap object by the size
  /// the heap records into a buffer sized by the reference, and does not check that the
  /// referenced object exists (crashes the fuzz loop found), so:
  ///
  /// - every global heap collection ("GCOL") must lie inside the file, and each of its objects
  ///   inside it;
  /// - every attribute message with one of `names` (or a chunk of one, `names0`, `names1`, ...;
  ///   versions 1 to 3, found by its name) must have a type Keras writes, unshared, and a
  ///   variable-length string one must hold references to objects of a collection, each of the
  ///   length its reference says;
  /// - no fractal heap may declare filters (compressed attribute messages would go unseen).
  ///
  /// The file must use 8-byte addresses and lengths from a base address of 0 (h5py's and every
  /// Keras file's). A file that fails is an error, never handed to libhdf5's string reading.
  static func checkStringAttributes(_ image: [UInt8], names: [String], label: String) throws {
    func fail(_ why: String) -> PlexusError {
      PlexusError.invalidArgument(context: "HDF5 \(label)", message: "is damaged: \(why)")
    }
    func number(_ at: Int, _ count: Int) -> UInt64 { littleEndian(image, at, count) }
    guard image.count >= 40 else { throw fail("too short for a superblock") }
    let version = image[8]
    // Version 1 has the indexed storage K (and 2 reserved bytes) before the base address.
    let (offsets, lengths, base) =
      version < 2
      ? (image[13], image[14], number(version == 1 ? 28 : 24, 8))
      : (image[9], image[10], number(12, 8))
    guard offsets == 8, lengths == 8, base == 0 else {
      throw fail(
        "its superblock (version \(version)) has \(offsets)-byte addresses, \(lengths)-byte "
          + "lengths and base address \(base); only 8, 8 and 0 (h5py's) are read")
    }
    let collections = globalHeaps(image)
    try checkFractalHeaps(image, fail: fail)
    for name in names {
      let stem = Array(name.utf8)
      var from = 9
      while let at = find(stem, in: image, from: from) {
        from = at + 1
        // The name: the stem, Keras's chunk number when it split a long list (`layer_names0`,
        // `layer_names1`, ...), then NUL.
        var nameEnd = at + stem.count
        while nameEnd < image.count, (0x30...0x39).contains(image[nameEnd]) { nameEnd += 1 }
        guard nameEnd < image.count, image[nameEnd] == 0 else { continue }
        let nameSize = UInt64(nameEnd + 1 - at)
        // The attribute message's header before the name: version, flags or reserved, then
        // the name, datatype and dataspace sizes (and the name's encoding in version 3).
        let header: (start: Int, padded: Bool)
        if image[at - 8] == 1, number(at - 6, 2) == nameSize {
          header = (at - 8, true)
        } else if image[at - 8] == 2, number(at - 6, 2) == nameSize {
          header = (at - 8, false)
        } else if image[at - 9] == 3, number(at - 7, 2) == nameSize {
          header = (at - 9, false)
        } else {
          continue
        }
        // From here the bytes are an attribute message libhdf5 may read: anything not
        // understood is an error (fail closed), never skipped.
        if !header.padded, image[header.start + 1] & 0x03 != 0 {
          throw fail("attribute '\(name)' at byte \(at) has a shared type or shape")
        }
        let typeSize = Int(number(header.start + 4, 2))
        let spaceSize = Int(number(header.start + 6, 2))
        func padded(_ size: Int) -> Int { header.padded ? (size + 7) & ~7 : size }
        let typeStart = at + padded(Int(nameSize))
        let spaceStart = typeStart + padded(typeSize)
        let dataStart = spaceStart + padded(spaceSize)
        guard typeSize >= 8, spaceSize >= 2, dataStart <= image.count else {
          throw fail("attribute '\(name)' at byte \(at) runs past the file's end")
        }
        // Integers, floats and fixed-length strings hold no references; a variable-length
        // string does (checked below); any other type is not one Keras writes.
        switch image[typeStart] & 0x0F {
        case 0, 1, 3: continue
        case 9: break
        default: throw fail("attribute '\(name)' at byte \(at) has a type Keras does not write")
        }
        // A variable-length string (type 1) of 16-byte references to one-byte characters, as
        // libhdf5 sizes the strings it allocates by them.
        guard typeSize >= 16, image[typeStart + 1] & 0x0F == 1, number(typeStart + 4, 4) == 16,
          image[typeStart + 8] & 0x0F == 0, number(typeStart + 12, 4) == 1
        else {
          throw fail("attribute '\(name)' at byte \(at) has a damaged string type")
        }
        // The dataspace: version, rank, flags, (version 1: 5 reserved bytes), then the sizes.
        let spaceVersion = image[spaceStart]
        let rank = Int(image[spaceStart + 1])
        let dims = spaceStart + (spaceVersion == 1 ? 8 : 4)
        guard rank <= 32, dims + 8 * rank <= image.count else { throw fail("attribute '\(name)'") }
        var count: UInt64 = 1
        for axis in 0..<rank {
          let (product, overflow) = count.multipliedReportingOverflow(
            by: number(dims + 8 * axis, 8))
          guard !overflow, product <= UInt64(attributeStringLimit) else {
            throw fail("attribute '\(name)' at byte \(at) holds too many strings")
          }
          count = product
        }
        guard dataStart + 16 * Int(count) <= image.count else {
          throw fail("attribute '\(name)' at byte \(at) runs past the file's end")
        }
        for entry in 0..<Int(count) {
          let reference = dataStart + 16 * entry
          let length = number(reference, 4)
          let heap = number(reference + 4, 8)
          let index = number(reference + 12, 4)
          if length == 0 { continue }
          // h5py stores each string as one object of exactly its length; libhdf5 allocates
          // and clears the reference's length, and copies the object's.
          guard let size = collections[heap]?[index], size == length else {
            throw fail(
              "attribute '\(name)' at byte \(at) refers to object \(index) of a global heap at "
                + "byte \(heap), which does not hold a string of \(length) bytes there")
          }
        }
      }
    }
  }

  /// Refuses fractal heaps (where HDF5 keeps attributes in dense storage) that declare I/O
  /// filters: libhdf5 would decompress attribute messages the byte scan cannot see.
  private static func checkFractalHeaps(_ image: [UInt8], fail: (String) -> PlexusError) throws {
    var from = 0
    while let start = find(Array("FRHP".utf8), in: image, from: from), start + 9 <= image.count {
      from = start + 4
      if image[start + 4] == 0, image[start + 7] != 0 || image[start + 8] != 0 {
        throw fail("a fractal heap at byte \(start) declares filters, which are not read")
      }
    }
  }

  /// Each global heap collection's objects (index → size), by the collection's address, every
  /// collection checked to lie in the file and its objects in it.
  private static func globalHeaps(_ image: [UInt8]) -> [UInt64: [UInt64: UInt64]] {
    func number(_ at: Int, _ count: Int) -> UInt64 { littleEndian(image, at, count) }
    var collections: [UInt64: [UInt64: UInt64]] = [:]
    let signature = Array("GCOL".utf8)
    // A "GCOL" that does not parse is skipped (the bytes may be data): a reference to it then
    // names no collection and fails. After a collection, the scan resumes past its end.
    var from = 0
    scan: while let start = find(signature, in: image, from: from), start + 16 <= image.count {
      from = start + 4
      let size = number(start + 8, 8)
      guard size >= 16, size <= UInt64(image.count - start) else { continue scan }
      let end = start + Int(size)
      // libhdf5's own walk: a free-space object (index 0) spans its size, header included;
      // any other its header and its data padded to 8 bytes. A free space of under 16 bytes
      // would stall libhdf5's walk (a hang the fuzz loop found), an object past the end would
      // be copied past the heap.
      var objects: [UInt64: UInt64] = [:]
      var object = start + 16
      while object + 16 <= end {
        let index = number(object, 2)
        let length = number(object + 8, 8)
        let room = UInt64(end - object)
        // Compared before any sum, so that a forged length cannot overflow.
        guard length <= room else { continue scan }
        let need: UInt64 = index == 0 ? length : 16 + ((length + 7) & ~7)
        guard need >= 16, need <= room else { continue scan }
        if index > 0 { objects[index] = length }
        object += Int(need)
      }
      collections[UInt64(start)] = objects
      from = end
    }
    return collections
  }

  /// The `count`-byte little-endian number at `at` (the caller checks the bounds).
  private static func littleEndian(_ image: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
    (0..<count).reduce(UInt64(0)) { $0 | UInt64(image[at + $1]) << (8 * UInt64($1)) }
  }

  /// The first offset at or after `from` where `pattern` starts in `image` (memchr for its
  /// first byte, then a comparison).
  private static func find(_ pattern: [UInt8], in image: [UInt8], from: Int) -> Int? {
    guard from >= 0, !pattern.isEmpty else { return nil }
    return image.withUnsafeBytes { haystack -> Int? in
      guard let base = haystack.baseAddress else { return nil }
      var at = from
      while at + pattern.count <= haystack.count {
        guard let hit = memchr(base + at, Int32(pattern[0]), haystack.count - at) else {
          return nil
        }
        let offset = base.distance(to: UnsafeRawPointer(hit))
        guard offset + pattern.count <= haystack.count else { return nil }
        if memcmp(base + offset, pattern, pattern.count) == 0 { return offset }
        at = offset + 1
      }
      return nil
    }
  }
}

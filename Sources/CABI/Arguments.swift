import BackendProtocol
import CPlexusSupport
import Plexus

// Argument readers shared by the exports: each checks what C cannot (NULL, sizes that came in
// as size_t and read back negative, UTF-8, dtype codes) and names the argument when it fails.

/// A non-NULL out-parameter.
func required<T>(
  _ pointer: UnsafeMutablePointer<T>?, _ argument: String, in function: String
) throws -> UnsafeMutablePointer<T> {
  guard let pointer else { throw invalidArgument(function, "\(argument) is NULL") }
  return pointer
}

/// A `size_t` count: it arrives as `Int`, so a value past `Int.max` reads negative.
func validatedCount(_ count: Int, argument: String, in function: String) throws -> Int {
  guard count >= 0 else {
    throw invalidArgument(
      function, "\(argument) is \(UInt(bitPattern: count)), too large to be a count")
  }
  return count
}

/// A NUL-terminated UTF-8 string argument.
func string(
  _ pointer: UnsafePointer<CChar>?, _ argument: String, in function: String
) throws -> String {
  guard let pointer else { throw invalidArgument(function, "\(argument) is NULL") }
  guard let text = String(validatingCString: pointer) else {
    throw invalidArgument(function, "\(argument) is not valid UTF-8")
  }
  return text
}

/// A dtype code (`PX_DTYPE_*`).
func dtype(_ code: Int32, _ argument: String = "dtype", in function: String) throws -> DType {
  guard let dtype = DType(rawValue: code) else {
    let known = DType.allCases.map { "\($0.rawValue) (\($0))" }.joined(separator: ", ")
    throw invalidArgument(function, "\(argument) \(code) is not a PX_DTYPE_* value: \(known)")
  }
  return dtype
}

/// A shape of `rank` `int64_t` dims; `allowUnknown` accepts -1 (Keras's `None`).
func shape(
  _ dims: UnsafePointer<Int64>?, rank: Int, in function: String, allowUnknown: Bool = false
) throws -> Shape {
  let rank = try validatedCount(rank, argument: "rank", in: function)
  guard rank <= Int(PX_MAX_RANK) else {
    throw invalidArgument(function, "rank \(rank) exceeds PX_MAX_RANK (\(PX_MAX_RANK))")
  }
  guard rank == 0 || dims != nil else {
    throw invalidArgument(function, "shape is NULL but rank is \(rank)")
  }
  var result: [Int] = []
  for axis in 0..<rank {
    let size = dims?[axis] ?? 0
    guard size >= 0 || (allowUnknown && size == -1) else {
      let expected = allowUnknown ? "≥ 0, or -1 for any size" : "≥ 0"
      throw invalidArgument(function, "shape[\(axis)] is \(size); expected \(expected)")
    }
    result.append(Int(size))
  }
  return Shape(result)
}

/// Writes `text` by the ABI's string-out rule: `*needed` receives its size including the NUL
/// (even when `capacity` is too small); `buffer` may be NULL with capacity 0 to ask for it.
func writeString(
  _ text: String, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?, in function: String
) throws {
  let capacity = UInt(bitPattern: capacity)
  let bytes = Array(text.utf8CString)
  needed?.pointee = bytes.count
  if buffer == nil && capacity == 0 { return }
  guard let buffer else {
    throw invalidArgument(function, "buffer is NULL but capacity is \(capacity)")
  }
  guard capacity >= UInt(bytes.count) else {
    throw invalidArgument(
      function, "capacity \(capacity) is smaller than the \(bytes.count) bytes the text needs")
  }
  for (offset, byte) in bytes.enumerated() { buffer[offset] = byte }
}

/// The numbers-out rule: `list.count` into `count`, then the numbers into `values` when its
/// `capacity` holds them (NULL with 0 only asks the count). `what` names the numbers in errors.
func writeValues(
  _ list: [Double], _ values: UnsafeMutablePointer<Double>?, _ capacity: Int,
  _ count: UnsafeMutablePointer<Int>?, what: String, in function: String
) throws {
  let capacity = UInt(bitPattern: capacity)
  count?.pointee = list.count
  if values == nil && capacity == 0 { return }
  guard let values else {
    throw invalidArgument(function, "values is NULL but capacity is \(capacity)")
  }
  guard capacity >= UInt(list.count) else {
    throw invalidArgument(
      function, "capacity \(capacity) is less than the \(list.count) \(what)")
  }
  for (offset, value) in list.enumerated() { values[offset] = value }
}

/// A JSON argument: text starting with `{` or `[` parses as JSON, anything else is a name
/// (a string value), as Keras accepts either for an optimizer, a loss or a metric.
func nameOrJSON(
  _ pointer: UnsafePointer<CChar>?, _ argument: String, in function: String
) throws -> ConfigValue {
  let text = try string(pointer, argument, in: function)
  let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
  if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || trimmed.hasPrefix("\"") {
    do {
      return try ConfigValue(json: text)
    } catch {
      throw invalidArgument(function, "\(argument) is not valid JSON: \(error)")
    }
  }
  guard !trimmed.isEmpty else {
    throw invalidArgument(function, "\(argument) is empty; expected a name or a JSON object")
  }
  return .string(text)
}

/// A small JSON parser that keeps what Foundation's decoder blurs: integers stay integers,
/// numbers with a fraction or exponent stay floats, and Python's `NaN` / `Infinity` are read.
struct JSONReader {
  private let bytes: [UInt8]
  private var index = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func readDocument() throws -> ConfigValue {
    let value = try readValue(depth: 0)
    skipSpace()
    guard index == bytes.count else { throw failure("unexpected text after the JSON value") }
    return value
  }

  private mutating func readValue(depth: Int) throws -> ConfigValue {
    // Keras configs nest a few dozen levels; the bound keeps the recursion far from a thread's
    // stack limit whatever a file holds.
    guard depth < 128 else { throw failure("nesting deeper than 128 levels") }
    skipSpace()
    guard let byte = peek() else { throw failure("unexpected end of input") }
    switch byte {
    case UInt8(ascii: "{"): return try readObject(depth: depth)
    case UInt8(ascii: "["): return try readArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try readString())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    case UInt8(ascii: "N"): return try literal("NaN", .double(.nan))
    case UInt8(ascii: "I"): return try literal("Infinity", .double(.infinity))
    default: return try readNumber()
    }
  }

  private mutating func readObject(depth: Int) throws -> ConfigValue {
    index += 1
    var members: [String: ConfigValue] = [:]
    skipSpace()
    if peek() == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
      let key = try readString()
      skipSpace()
      try expect(":")
      members[key] = try readValue(depth: depth + 1)
      skipSpace()
      if peek() == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect("}")
      return .object(members)
    }
  }

  private mutating func readArray(depth: Int) throws -> ConfigValue {
    index += 1
    var values: [ConfigValue] = []
    skipSpace()
    if peek() == UInt8(ascii: "]") {
      index += 1
      return .array(values)
    }
    while true {
      values.append(try readValue(depth: depth + 1))
      skipSpace()
      if peek() == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect("]")
      return .array(values)
    }
  }

  private mutating func readString() throws -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var raw: [UInt8] = []
    func flush() {
      scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
      raw.removeAll()
    }
    while let byte = peek() {
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        flush()
        return String(scalars)
      case UInt8(ascii: "\\"):
        flush()
        scalars.append(try readEscape())
      default:
        raw.append(byte)
      }
    }
    throw failure("unterminated string")
  }

  private mutating func readEscape() throws -> Unicode.Scalar {
    guard let byte = peek() else { throw failure("unterminated escape") }
    index += 1
    switch byte {
    case UInt8(ascii: "n"): return "\n"
    case UInt8(ascii: "t"): return "\t"
    case UInt8(ascii: "r"): return "\r"
    case UInt8(ascii: "b"): return "\u{08}"
    case UInt8(ascii: "f"): return "\u{0C}"
    case UInt8(ascii: "u"):
      var code = try readHex4()
      if (0xD800..<0xDC00).contains(code) {
        // A high surrogate must be followed by an escaped low one.
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
          bytes[index + 1] == UInt8(ascii: "u")
        else { throw failure("a high surrogate \\u escape without its low surrogate") }
        index += 2
        let low = try readHex4()
        guard (0xDC00..<0xE000).contains(low) else {
          throw failure("a high surrogate \\u escape followed by no low surrogate")
        }
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
      }
      guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
      return scalar
    default: return Unicode.Scalar(byte)
    }
  }

  private mutating func readHex4() throws -> UInt32 {
    guard index + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw failure("invalid \\u escape") }
    index += 4
    return code
  }

  private mutating func readNumber() throws -> ConfigValue {
    let start = index
    if peek() == UInt8(ascii: "-") {
      index += 1
      if peek() == UInt8(ascii: "I") { return try literal("Infinity", .double(-.infinity)) }
    }
    var isFloat = false
    while let byte = peek() {
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte == UInt8(ascii: "+")
        || byte == UInt8(ascii: "-")
      {
        index += 1
      } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
      {
        isFloat = true
        index += 1
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if !isFloat, let value = Int(text) { return .int(value) }
    guard let value = Double(text), !text.isEmpty else {
      index = start
      throw failure("invalid value '\(text.isEmpty ? "?" : text)'")
    }
    return .double(value)
  }

  private mutating func literal(_ word: String, _ value: ConfigValue) throws -> ConfigValue {
    let expected = Array(word.utf8)
    guard bytes.count - index >= expected.count,
      Array(bytes[index..<index + expected.count]) == expected
    else { throw failure("invalid literal, expected '\(word)'") }
    index += expected.count
    return value
  }

  private mutating func expect(_ character: Unicode.Scalar) throws {
    guard peek() == UInt8(ascii: character) else { throw failure("expected '\(character)'") }
    index += 1
  }

  private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func skipSpace() {
    while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      index += 1
    }
  }

  private func failure(_ message: String) -> PlexusError {
    PlexusError.invalidArgument(context: "JSON", message: "\(message) at byte \(index)")
  }
}

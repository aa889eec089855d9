import Foundation

extension ConfigValue {
  /// Parses JSON text as Python's `json` module writes it: numbers with a fraction or an
  /// exponent become ``double(_:)``, others ``int(_:)``; `NaN` and `Infinity` are accepted.
  ///
  /// ```swift
  /// let value = try ConfigValue(json: #"{"units": 4, "rate": 0.5, "seed": null}"#)
  /// ```
  public init(json text: String) throws {
    var reader = JSONReader(Array(text.utf8))
    self = try reader.readDocument()
  }

  /// Parses JSON bytes; see ``init(json:)``.
  public init(jsonData data: Data) throws {
    var reader = JSONReader(Array(data))
    self = try reader.readDocument()
  }

  /// The value as JSON text: keys sorted, floats always with a fraction or an exponent
  /// (`1.0`, `1e-07`) so that they read back as floats, `NaN` and `Infinity` as Python writes
  /// them. `pretty` indents by two spaces.
  public func jsonString(pretty: Bool = false) -> String {
    var output = ""
    write(to: &output, indent: pretty ? 0 : nil)
    return output
  }

  private func write(to output: inout String, indent: Int?) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .int(let value): output += String(value)
    case .double(let value): output += Self.pythonFloat(value)
    case .string(let value): Self.writeString(value, to: &output)
    case .array(let values):
      guard !values.isEmpty else {
        output += "[]"
        return
      }
      output += "["
      for (index, value) in values.enumerated() {
        if index > 0 { output += indent == nil ? ", " : "," }
        Self.newline(&output, indent.map { $0 + 1 })
        value.write(to: &output, indent: indent.map { $0 + 1 })
      }
      Self.newline(&output, indent)
      output += "]"
    case .object(let members):
      guard !members.isEmpty else {
        output += "{}"
        return
      }
      output += "{"
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { output += indent == nil ? ", " : "," }
        Self.newline(&output, indent.map { $0 + 1 })
        Self.writeString(key, to: &output)
        output += ": "
        members[key, default: .null].write(to: &output, indent: indent.map { $0 + 1 })
      }
      Self.newline(&output, indent)
      output += "}"
    }
  }

  private static func newline(_ output: inout String, _ indent: Int?) {
    guard let indent else { return }
    output += "\n" + String(repeating: "  ", count: indent)
  }

  /// `repr(float)` in Python: the shortest round-tripping digits, always marked as a float.
  static func pythonFloat(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    let text = "\(value)"
    if text.contains("e") {
      // Swift writes 1e-07; Python writes 1e-07 too, and 1e+16 where Swift writes 1e+16.
      return text
    }
    return text.contains(".") ? text : text + ".0"
  }

  /// Appends `value` as a JSON string literal (also the profiler's trace writer's escaping).
  static func writeString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      default:
        if scalar.value < 0x20 {
          output += String(format: "\\u%04x", scalar.value)
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    output += "\""
  }
}

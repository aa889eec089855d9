import Foundation

/// Python's `str.format` for the fields of a checkpoint path (`"model_{epoch:02d}.keras"`,
/// `"{val_loss:.2f}"`): replacement fields with a format spec of fill, align, sign, zero
/// padding, width, precision and the types `d`, `f`, `e`, `g`, `%` and `s`, as Keras formats
/// `ModelCheckpoint`'s `filepath` with the epoch and the logs.
enum PythonFormat {
  /// A value a field formats: the epoch and batch are integers, the logs floats.
  enum Value {
    case int(Int)
    case double(Double)
  }

  /// `template` with each `{name}` or `{name:spec}` replaced; `{{` and `}}` are braces.
  static func format(_ template: String, _ values: [String: Value], context: String) throws
    -> String
  {
    var result = ""
    var index = template.startIndex
    while index < template.endIndex {
      let character = template[index]
      let next = template.index(after: index)
      if character == "}" {
        guard next < template.endIndex, template[next] == "}" else {
          throw error(template, "single '}' encountered in format string", context)
        }
        result.append("}")
        index = template.index(after: next)
        continue
      }
      guard character == "{" else {
        result.append(character)
        index = next
        continue
      }
      if next < template.endIndex, template[next] == "{" {
        result.append("{")
        index = template.index(after: next)
        continue
      }
      guard let close = template[next...].firstIndex(of: "}") else {
        throw error(template, "single '{' encountered in format string", context)
      }
      let field = template[next..<close]
      let name: Substring
      let spec: Substring
      if let colon = field.firstIndex(of: ":") {
        name = field[..<colon]
        spec = field[field.index(after: colon)...]
      } else {
        (name, spec) = (field, "")
      }
      guard let value = values[String(name)] else {
        throw error(
          template, "KeyError: '\(name)' (the keys are epoch, batch and the logs)", context)
      }
      result += try apply(String(spec), to: value, template: template, context: context)
      index = template.index(after: close)
    }
    return result
  }

  private static func error(_ template: String, _ reason: String, _ context: String)
    -> PlexusError
  {
    .invalidArgument(
      context: context, message: "failed to format the filepath \"\(template)\": \(reason)")
  }

  /// One field: `[[fill]align][sign][0][width][.precision][type]`.
  private static func apply(
    _ spec: String, to value: Value, template: String, context: String
  ) throws -> String {
    var characters = Array(spec)
    var fill: Character = " "
    var align: Character?
    if characters.count >= 2, "<>^=".contains(characters[1]) {
      (fill, align) = (characters[0], characters[1])
      characters.removeFirst(2)
    } else if let first = characters.first, "<>^=".contains(first) {
      align = first
      characters.removeFirst()
    }
    var sign: Character = "-"
    if let first = characters.first, "+- ".contains(first) {
      sign = first
      characters.removeFirst()
    }
    if characters.first == "0" {
      if align == nil { (fill, align) = ("0", "=") }
      characters.removeFirst()
    }
    // Python refuses widths and precisions past its limits ("Too many decimal digits"); here
    // anything past 1000 is refused before it can overflow or ask for a huge string.
    let limit = 1000
    var width = 0
    while let digit = characters.first?.wholeNumberValue {
      width = width * 10 + digit
      guard width <= limit else { throw error(template, "format width too large", context) }
      characters.removeFirst()
    }
    var precision: Int?
    if characters.first == "." {
      characters.removeFirst()
      var digits = 0
      var count = 0
      while let digit = characters.first?.wholeNumberValue {
        digits = digits * 10 + digit
        guard digits <= limit else { throw error(template, "format precision too large", context) }
        count += 1
        characters.removeFirst()
      }
      guard count > 0 else { throw error(template, "format specifier missing precision", context) }
      precision = digits
    }
    guard characters.count <= 1 else {
      throw error(template, "invalid format specifier '\(spec)'", context)
    }
    let type = characters.first
    let (negative, body) = try digits(
      value, type: type, precision: precision, spec, template, context)
    let signText = negative ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
    let numeric = type != "s"
    let length = signText.count + body.count
    guard width > length else { return signText + body }
    let pad = String(repeating: fill, count: width - length)
    switch align ?? (numeric ? ">" : "<") {
    case "<": return signText + body + pad
    case "^":
      let left = (width - length) / 2
      return String(pad.prefix(left)) + signText + body + String(pad.dropFirst(left))
    case "=": return signText + pad + body
    default: return pad + signText + body
    }
  }

  /// The digits of `value` (without its sign) and whether it is negative.
  private static func digits(
    _ value: Value, type: Character?, precision: Int?, _ spec: String, _ template: String,
    _ context: String
  ) throws -> (Bool, String) {
    switch (value, type) {
    case (.int(let int), nil), (.int(let int), "d"):
      return (int < 0, String(int.magnitude))
    case (.int(let int), _):
      return try digits(
        .double(Double(int)), type: type, precision: precision, spec, template, context)
    case (.double, "d"):
      throw error(template, "unknown format code 'd' for a float value", context)
    case (.double(let double), _):
      guard double.isFinite else {
        let text = double.isNaN ? "nan" : "inf"
        return (double < 0, type.map { $0.isUppercase } == true ? text.uppercased() : text)
      }
      let magnitude = Swift.abs(double)
      let negative = double.sign == .minus
      switch type {
      case "f", "F": return (negative, String(format: "%.*f", precision ?? 6, magnitude))
      case "e", "E":
        let text = String(format: "%.*e", precision ?? 6, magnitude)
        return (negative, type == "E" ? text.uppercased() : text)
      case "g", "G":
        let text = String(format: "%.*g", Swift.max(precision ?? 6, 1), magnitude)
        return (negative, type == "G" ? text.uppercased() : text)
      case "%": return (negative, String(format: "%.*f", precision ?? 6, magnitude * 100) + "%")
      case nil, "s":
        if let precision {
          return (negative, String(format: "%.*g", Swift.max(precision, 1), magnitude))
        }
        return (negative, "\(magnitude)")
      default:
        throw error(template, "unknown format code '\(type.map(String.init) ?? "")'", context)
      }
    }
  }
}

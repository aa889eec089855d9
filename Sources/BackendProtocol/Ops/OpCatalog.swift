/// The op ids, attribute ids and dtype ids as the C plugin ABI carries them, written from the
/// Swift enums so that they are written down once: `include/plexus_ops.h` is this text
/// (`plexus ops --c-header` prints it, and a test keeps the checked-in header equal to it).
public enum OpCatalog {
  /// The C header declaring every op id (`PX_OP_MATMUL = 140`), attribute id
  /// (`PX_ATTR_AXES = 1`) and dtype id (`PX_DTYPE_FLOAT32`).
  public static func cHeader() -> String {
    var lines = [
      "/*",
      " * plexus_ops.h: the ids of ops, op attributes and dtypes as plugins receive them.",
      " *",
      " * Generated from BackendProtocol's OpCode, AttributeName and DType by",
      " * `plexus ops --c-header`; do not edit. Ids are only ever appended, never reused.",
      " */",
      "#ifndef PLEXUS_OPS_H",
      "#define PLEXUS_OPS_H",
      "",
      "/* Op ids (OpCode). */",
      "enum px_op_id {",
    ]
    lines += OpCode.allCases.map { "  PX_OP_\(constant($0.description)) = \($0.rawValue)," }
    lines += ["};", "", "/* Attribute ids (AttributeName), with the snake-case names. */"]
    lines.append("enum px_attribute_id {")
    lines += AttributeName.allCases.map {
      "  PX_ATTR_\(constant($0.description)) = \($0.rawValue), /* \"\($0.description)\" */"
    }
    lines += [
      "};", "",
      "/* Dtype ids (DType): the PX_DTYPE_* of plexus.h, which defines them as macros first when",
      " * both headers are included. */",
      "#ifndef PX_DTYPE_FLOAT32", "enum px_dtype_id {",
    ]
    lines += DType.allCases.map { "  PX_DTYPE_\(constant($0.description)) = \($0.rawValue)," }
    lines += ["};", "#endif", "", "#endif /* PLEXUS_OPS_H */", ""]
    return lines.joined(separator: "\n")
  }

  private static func constant(_ name: String) -> String {
    name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
  }
}

/// Writes the few protocol-buffer fields TensorBoard's event files need: varints, 64- and
/// 32-bit fixed fields, and length-delimited bytes, strings and nested messages.
struct ProtobufEncoder {
  private(set) var bytes: [UInt8] = []

  private mutating func varint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  private mutating func key(_ field: Int, _ wireType: UInt64) {
    varint(UInt64(field) << 3 | wireType)
  }

  /// An `int64`, `int32` or enum field (negative values take ten bytes, as protobuf says).
  mutating func int(_ field: Int, _ value: Int64) {
    key(field, 0)
    varint(UInt64(bitPattern: value))
  }

  /// A `double` field.
  mutating func double(_ field: Int, _ value: Double) {
    key(field, 1)
    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// A `float` field.
  mutating func float(_ field: Int, _ value: Float) {
    key(field, 5)
    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// A `bytes` field, or a nested message's encoding.
  mutating func bytes(_ field: Int, _ value: [UInt8]) {
    key(field, 2)
    varint(UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  /// A `string` field.
  mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

  /// A nested message.
  mutating func message(_ field: Int, _ build: (inout ProtobufEncoder) -> Void) {
    var nested = ProtobufEncoder()
    build(&nested)
    bytes(field, nested.bytes)
  }

  /// A packed `repeated double` field.
  mutating func packedDoubles(_ field: Int, _ values: [Double]) {
    var packed: [UInt8] = []
    for value in values {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { packed.append(contentsOf: $0) }
    }
    bytes(field, packed)
  }
}

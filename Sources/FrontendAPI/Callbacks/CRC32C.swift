/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven, and the masked form
/// TFRecord files store (`((crc >> 15) | (crc << 17)) + 0xA282EAD8`).
enum CRC32C {
  private static let table: [UInt32] = (0..<256).map { index in
    var crc = UInt32(index)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    return crc
  }

  /// The checksum of `bytes` (`"123456789"` gives 0xE3069283).
  static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }

  /// The checksum as TFRecord masks it, so that a CRC of data holding CRCs stays strong.
  static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
    let crc = checksum(bytes)
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }
}

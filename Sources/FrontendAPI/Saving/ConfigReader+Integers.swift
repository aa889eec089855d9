extension ConfigReader {
  /// `key` as integers: one integer or a list of them; nil when absent or null. Anything else
  /// is an error naming the key.
  func integers(_ key: String) throws -> [Int]? {
    guard let raw = value(key), !raw.isNull else { return nil }
    if let one = raw.intValue { return [one] }
    guard let entries = raw.arrayValue, case let values = entries.compactMap(\.intValue),
      values.count == entries.count
    else { throw mismatch(key, "null, an integer or a list of integers") }
    return values
  }
}

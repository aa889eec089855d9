// What the built-in layers' factories read from a Keras config besides the shared settings:
// tuples of integers, padding names, the channels-last data format, and the optional
// initializer / regularizer / constraint entries.

extension ConfigReader {
  /// An integer or a list of `rank` integers (Keras writes tuples as lists), or `fallback`
  /// when the key is absent.
  func spatial(_ key: String, rank: Int, default fallback: [Int]? = nil) throws -> [Int] {
    guard let raw = value(key), !raw.isNull else {
      if let fallback { return fallback }
      throw mismatch(key, "an integer or a list of \(rank) integers")
    }
    if let single = raw.intValue { return [Int](repeating: single, count: rank) }
    let values = raw.arrayValue?.compactMap(\.intValue) ?? []
    guard values.count == rank, raw.arrayValue?.count == rank else {
      throw mismatch(key, "an integer or a list of \(rank) integers")
    }
    return values
  }

  /// Pairs `((before, after), ...)` for `axes` axes: an integer for all, one integer per axis
  /// (symmetric), or one pair per axis, as Keras's `ZeroPadding2D` and `Cropping2D` accept.
  func pairs(_ key: String, axes: Int, default fallback: [(Int, Int)]) throws -> [(Int, Int)] {
    guard let raw = value(key), !raw.isNull else { return fallback }
    let expected = "an integer, \(axes) integers or \(axes) pairs of integers"
    if let single = raw.intValue { return [(Int, Int)](repeating: (single, single), count: axes) }
    guard let entries = raw.arrayValue, entries.count == axes else {
      throw mismatch(key, expected)
    }
    return try entries.map { entry in
      if let single = entry.intValue { return (single, single) }
      guard let pair = entry.arrayValue, pair.count == 2,
        let before = pair[0].intValue, let after = pair[1].intValue
      else { throw mismatch(key, expected) }
      return (before, after)
    }
  }

  /// The `(before, after)` amount of a 1-D padding or cropping: one integer for both sides, or
  /// a pair (`fallback` when absent or null).
  func amountPair(_ key: String, default fallback: (Int, Int)) throws -> (Int, Int) {
    guard let raw = value(key), !raw.isNull else { return fallback }
    if let single = raw.intValue { return (single, single) }
    guard let pair = raw.arrayValue, pair.count == 2, let before = pair[0].intValue,
      let after = pair[1].intValue
    else { throw mismatch(key, "an integer or a pair of integers") }
    return (before, after)
  }

  /// A padding name among `allowed` (case-insensitive, as Keras reads it), or `fallback`.
  func padding(_ key: String = "padding", allowed: [Padding], default fallback: Padding = .valid)
    throws -> Padding
  {
    guard let raw = value(key) else { return fallback }
    let names = allowed.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
    guard let name = raw.stringValue, let padding = Padding(rawValue: name.lowercased()),
      allowed.contains(padding)
    else { throw mismatch(key, names) }
    return padding
  }

  /// Refuses any data format but `"channels_last"`.
  func requireChannelsLast() throws {
    try requireDefault(
      "data_format", "channels_last",
      reason: "Plexus is channels-last throughout; transpose the input to (batch, ..., channels)")
  }

  /// The activation under `key` (`null` or absent: linear).
  func activation(_ key: String = "activation") throws -> ActivationFunction {
    try ActivationFunction.fromConfig(value(key) ?? .null)
  }

  /// The initializer under `key`, or `fallback` when absent or null.
  func initializer(_ key: String, default fallback: Initializer) throws -> Initializer {
    guard let raw = value(key), !raw.isNull else { return fallback }
    return try Initializer.fromConfig(raw)
  }

  /// The regularizer under `key`, if any.
  func regularizer(_ key: String) throws -> (any Regularizer)? {
    guard let raw = value(key), !raw.isNull else { return nil }
    return try Regularizers.fromConfig(raw)
  }

  /// The constraint under `key`, if any.
  func constraint(_ key: String) throws -> (any Constraint)? {
    guard let raw = value(key), !raw.isNull else { return nil }
    return try Constraints.fromConfig(raw)
  }
}

extension ConfigValue {
  /// A tuple of integers, as Keras writes one: a list.
  static func ints(_ values: [Int]) -> ConfigValue { .array(values.map(ConfigValue.int)) }

  /// Pairs of integers, as Keras writes `((top, bottom), (left, right))`.
  static func pairs(_ values: [(Int, Int)]) -> ConfigValue {
    .array(values.map { .array([.int($0.0), .int($0.1)]) })
  }
}

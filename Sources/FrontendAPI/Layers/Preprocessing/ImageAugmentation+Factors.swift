/// The factor rules of Keras's augmentation layers: a number or two numbers, checked against
/// the layer's bounds and turned into the range a draw comes from.
extension ImageAugmentation {
  /// Keras's `BaseImagePreprocessingLayer._set_factor`: one number `f` within `bounds` gives
  /// `(max(-|f|, bounds.lower), |f|)`; two numbers (not both beyond one bound) give themselves,
  /// sorted. `label` names the argument in errors.
  static func baseFactorRange(
    _ given: [Double], bounds: (lower: Double, upper: Double), label: String, layer: String
  ) throws -> (lower: Double, upper: Double) {
    let problem = PlexusError.invalidArgument(
      context: "Layer \(layer)",
      message: "\(label) must be a finite number or a list of two numbers in the range "
        + "[\(bounds.lower), \(bounds.upper)], received \(given)")
    // Keras admits any two numbers straddling the bounds; beyond ±1e6 turns the draws overflow.
    guard given.allSatisfy({ $0.isFinite && abs($0) <= 1e6 }) else { throw problem }
    switch given.count {
    case 1:
      guard given[0] >= bounds.lower, given[0] <= bounds.upper else { throw problem }
      let factor = abs(given[0])
      return (max(-factor, bounds.lower), factor)
    case 2:
      guard given[0] <= bounds.upper, given[1] >= bounds.lower else { throw problem }
      return (min(given[0], given[1]), max(given[0], given[1]))
    default:
      throw problem
    }
  }

  /// The translation and zoom rule: each number within `allowed`; one number `f` gives
  /// `(-|f|, |f|)`, two give themselves, sorted.
  static func symmetricFactorRange(
    _ given: [Double], allowed: (Double) -> Bool, range: String, label: String, layer: String
  ) throws -> (lower: Double, upper: Double) {
    guard (1...2).contains(given.count), given.allSatisfy({ $0.isFinite && allowed($0) }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(layer)",
        message: "\(label) must be a number or a list of two numbers in \(range), received "
          + "\(given)")
    }
    if given.count == 1 { return (-abs(given[0]), abs(given[0])) }
    return (min(given[0], given[1]), max(given[0], given[1]))
  }

  /// A factor as Keras writes it: one number, or a list of two.
  static func factorValue(_ given: [Double]) -> ConfigValue {
    given.count == 1 ? number(given[0]) : .array(given.map(number))
  }

  /// A range as Keras writes it, a list of two numbers.
  static func rangeValue(_ range: (lower: Double, upper: Double)) -> ConfigValue {
    [number(range.lower), number(range.upper)]
  }

  /// A number as Keras's Python writes the usual ones: whole numbers (`value_range=(0, 255)`,
  /// contrast's lower bound 0) as integers, others as floats.
  static func number(_ value: Double) -> ConfigValue {
    value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .double(value)
  }

  /// A factor from a config: a number or a list of numbers.
  static func factor(_ config: ConfigReader, _ key: String) throws -> [Double] {
    guard let raw = config.value(key) else {
      throw config.mismatch(key, "a number or a list of two numbers")
    }
    if let single = raw.doubleValue { return [single] }
    let entries = raw.arrayValue ?? []
    let values = entries.compactMap(\.doubleValue)
    // A list holds exactly two, as Keras requires.
    guard entries.count == 2, values.count == 2 else {
      throw config.mismatch(key, "a number or a list of two numbers")
    }
    return values
  }

  /// `fill_mode` and `interpolation` from a config, Keras's defaults when absent.
  static func sampling(_ config: ConfigReader) throws -> (FillMode, Interpolation) {
    let fill = try config.string("fill_mode", default: "reflect")
    guard let fillMode = FillMode(rawValue: fill) else {
      throw config.mismatch("fill_mode", "one of \(FillMode.allCases.map(\.rawValue))")
    }
    let read = try config.string("interpolation", default: "bilinear")
    guard let interpolation = Interpolation(rawValue: read) else {
      throw config.mismatch("interpolation", "one of \(Interpolation.allCases.map(\.rawValue))")
    }
    return (fillMode, interpolation)
  }

  /// `data_format`: only channels-last images are supported.
  static func requireChannelsLast(_ config: ConfigReader) throws {
    let format = config.value("data_format")
    guard format == nil || format?.isNull == true || format?.stringValue == "channels_last" else {
      throw config.mismatch("data_format", "'channels_last' (Plexus's images are channels-last)")
    }
  }

  /// A finite fill value.
  static func checkFillValue(_ value: Double, layer: String) throws {
    guard value.isFinite else {
      throw PlexusError.invalidArgument(
        context: "Layer \(layer)", message: "fill_value must be finite, received \(value)")
    }
  }

  /// Two finite numbers (when `ordered`, the first not above the second).
  static func checkValueRange(
    _ range: (lower: Double, upper: Double), ordered: Bool = true, layer: String
  ) throws {
    guard range.lower.isFinite, range.upper.isFinite, !ordered || range.lower <= range.upper
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(layer)",
        message: "value_range must be two finite numbers\(ordered ? ", the lower first" : ""), "
          + "received (\(range.lower), \(range.upper))")
    }
  }
}

/// The config factories of the augmentation layers, reading Keras's keys.
extension ImageAugmentation {
  static func makeFlip(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let text = try config.string("mode", default: "horizontal_and_vertical")
    guard let mode = RandomFlip.Mode(rawValue: text) else {
      throw config.mismatch("mode", "one of \(RandomFlip.Mode.allCases.map(\.rawValue))")
    }
    let layer = RandomFlip(mode, seed: try config.optionalInt("seed"), name: settings.name)
    return try settings.finish(config, layer)
  }

  static func makeRotation(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let (fillMode, interpolation) = try sampling(config)
    let layer = try RandomRotation(
      given: try factor(config, "factor"), fillMode: fillMode, interpolation: interpolation,
      seed: try config.optionalInt("seed"), fillValue: try config.double("fill_value", default: 0),
      name: settings.name)
    return try settings.finish(config, layer)
  }

  static func makeTranslation(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let (fillMode, interpolation) = try sampling(config)
    let layer = try RandomTranslation(
      heightFactor: try factor(config, "height_factor"),
      widthFactor: try factor(config, "width_factor"), fillMode: fillMode,
      interpolation: interpolation, seed: try config.optionalInt("seed"),
      fillValue: try config.double("fill_value", default: 0), name: settings.name)
    return try settings.finish(config, layer)
  }

  static func makeZoom(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let (fillMode, interpolation) = try sampling(config)
    let width = config.value("width_factor")
    let layer = try RandomZoom(
      heightFactor: try factor(config, "height_factor"),
      widthFactor: width == nil || width?.isNull == true
        ? nil : try factor(config, "width_factor"),
      fillMode: fillMode, interpolation: interpolation, seed: try config.optionalInt("seed"),
      fillValue: try config.double("fill_value", default: 0), name: settings.name)
    return try settings.finish(config, layer)
  }

  static func makeContrast(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let layer = try RandomContrast(
      given: try factor(config, "factor"), valueRange: try valueRange(config),
      seed: try config.optionalInt("seed"), name: settings.name)
    return try settings.finish(config, layer)
  }

  static func makeBrightness(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let layer = try RandomBrightness(
      given: try factor(config, "factor"), valueRange: try valueRange(config),
      seed: try config.optionalInt("seed"), name: settings.name)
    return try settings.finish(config, layer)
  }

  /// `value_range`: two numbers, (0, 255) when absent.
  private static func valueRange(_ config: ConfigReader) throws -> (lower: Double, upper: Double) {
    guard let raw = config.value("value_range"), !raw.isNull else { return (0, 255) }
    let values = (raw.arrayValue ?? []).compactMap(\.doubleValue)
    guard values.count == 2, raw.arrayValue?.count == 2 else {
      throw config.mismatch("value_range", "a list of two numbers")
    }
    return (values[0], values[1])
  }

  static func makeResizing(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let text = try config.string("interpolation", default: "bilinear")
    guard let interpolation = Resizing.Interpolation(rawValue: text) else {
      throw config.mismatch(
        "interpolation", "one of \(Resizing.Interpolation.allCases.map(\.rawValue))")
    }
    try config.requireDefault(
      "fill_mode", "constant", reason: "Keras's Resizing pads with a constant only")
    let layer = try Resizing(
      try config.int("height"), try config.int("width"), interpolation: interpolation,
      cropToAspectRatio: try config.bool("crop_to_aspect_ratio", default: false),
      padToAspectRatio: try config.bool("pad_to_aspect_ratio", default: false),
      fillValue: try config.double("fill_value", default: 0),
      antialias: try config.bool("antialias", default: false), name: settings.name)
    return try settings.finish(config, layer)
  }

  static func makeCenterCrop(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try requireChannelsLast(config)
    let layer = try CenterCrop(
      try config.int("height"), try config.int("width"), name: settings.name)
    return try settings.finish(config, layer)
  }
}

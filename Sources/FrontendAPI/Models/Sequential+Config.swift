extension Sequential {
  /// The input shape once known: the declared ``Input``'s, else the one built for.
  var knownInputShape: Shape? { input?.shape ?? (built ? buildShape : nil) }

  /// Keras's Sequential config.
  var sequentialConfig: [String: ConfigValue] {
    var layers = containedLayers.map { $0.serialized.value }
    var result = super.config
    if let shape = knownInputShape {
      let inputLayer = InputLayerConfig(
        name: input?.name ?? "input_layer", shape: shape, dtype: input?.dtype ?? .float32)
      layers.insert(inputLayer.serialized.value, at: 0)
      result["build_input_shape"] = .shape(shape.dims)
    }
    result["layers"] = .array(layers)
    return result
  }

  /// Rebuilds a Sequential model from its config: an `InputLayer` first becomes the model's
  /// ``Input``; `build_input_shape` builds it otherwise.
  static func fromConfig(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    guard let entries = config.value("layers")?.arrayValue else {
      throw config.mismatch("layers", "a list of layer configs")
    }
    var components: [any SequentialComponent] = []
    for (index, entry) in entries.enumerated() {
      if entry["class_name"]?.stringValue == "InputLayer" {
        guard index == 0 else {
          throw PlexusError.invalidArgument(
            context: "Sequential config", message: "an InputLayer can only come first")
        }
        components.append(try InputLayerConfig(entry).makeInput())
      } else {
        components.append(try Layer.fromConfig(entry))
      }
    }
    let model = Sequential(components, name: settings.name)
    let buildShape = config.value("build_input_shape")
    if model.input == nil, let shape = buildShape, !shape.isNull {
      try model.buildIfNeeded(try Layer.buildShapes(from: shape, layer: model.identity))
    } else {
      try model.buildFromInput()
    }
    return try settings.finish(config, model)
  }
}

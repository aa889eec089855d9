extension Layer {
  /// Keras layers without a `build` method of their own, or built as soon as they are made
  /// (pooling): Keras writes no `build_config` for them.
  static let buildlessClasses: Set<String> = [
    "Dropout", "Reshape", "Activation", "InputLayer", "MaxPooling1D", "MaxPooling2D",
    "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "Masking", "GaussianNoise",
    "SpatialDropout1D", "SpatialDropout2D",
  ]

  /// What Keras writes under `build_config`: the input shape(s) the layer was built for, or
  /// nil when unbuilt or when Keras writes none for this class.
  public var buildConfig: ConfigValue? {
    guard built, !Self.buildlessClasses.contains(className),
      let shapes = (self as? any MultiInputLayer)?.builtInputShapes ?? buildShape.map({ [$0] })
    else { return nil }
    let values = shapes.map { ConfigValue.shape($0.dims) }
    if let signature = self as? any KerasCallSignature {
      // Keras's build takes one argument per tensor: `shapes_dict` names each shape.
      let names = type(of: signature).tensorArguments.map { $0 + "_shape" }
      return ["shapes_dict": .object(Dictionary(uniqueKeysWithValues: zip(names, values)))]
    }
    return ["input_shape": values.count == 1 ? values[0] : .array(values)]
  }

  /// The layer as `keras.saving.serialize_keras_object` writes it: `module`, `class_name`,
  /// `config`, `registered_name` and, once built, `build_config`.
  public var serialized: SerializedObject {
    if let model = self as? Model { return model.modelSerialized }
    let registered = Layer.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras.layers" : "", className: className,
      config: .object(config), registeredName: registered, buildConfig: buildConfig)
  }

  /// Rebuilds a layer (or a whole model) from its serialized form, and builds it when the
  /// form has a `build_config`. Only registered class names resolve; anything else is an
  /// error naming the class and how to register it.
  ///
  /// ```swift
  /// let copy = try Layer.fromConfig(Dense(4, activation: .relu).serialized.value)
  /// ```
  /// Equivalent to `keras.saving.deserialize_keras_object` followed by `build_from_config`.
  public static func fromConfig(_ value: ConfigValue) throws -> Layer {
    let object = try SerializedObject(value, kind: "Layer")
    if let shared = try sharedLayers.layer(for: object) { return shared }
    return try made(object)
  }

  /// A new layer (or model) from `object`, built when it has a `build_config`.
  static func made(_ object: SerializedObject) throws -> Layer {
    let layer = try registry.make(object)
    if !layer.built, let shapes = object.buildConfig?["input_shape"], !shapes.isNull {
      try layer.buildIfNeeded(try Self.buildShapes(from: shapes, layer: layer.identity))
    } else if !layer.built, let named = object.buildConfig?["shapes_dict"]?.objectValue,
      let signature = layer as? any KerasCallSignature
    {
      // The shapes of the tensor arguments in order, up to the first one not given.
      var shapes: [Shape] = []
      for name in type(of: signature).tensorArguments {
        guard let value = named[name + "_shape"], !value.isNull else { break }
        shapes += try Self.buildShapes(from: value, layer: layer.identity)
      }
      try layer.buildIfNeeded(shapes)
    }
    return layer
  }

  /// The layers that configs of their names stand for while ``Model/fromJSON(_:sharing:)``
  /// rebuilds a model around them.
  @TaskLocal static var sharedLayers = SharedLayers([:])

  /// The shapes in a `build_config`'s `input_shape`: one shape, or a list of shapes.
  static func buildShapes(from value: ConfigValue, layer: String) throws -> [Shape] {
    guard let entries = value.arrayValue else {
      throw PlexusError.invalidArgument(
        context: "Layer \(layer) build_config",
        message: "'input_shape' must be a shape or a list of shapes, received \(value)")
    }
    let isList = entries.contains { $0.arrayValue != nil }
    let shapes = isList ? entries : [value]
    return try shapes.map { entry in
      guard let dims = entry.shapeValue,
        entry.arrayValue?.allSatisfy({ $0.isNull || $0.intValue != nil }) == true
      else {
        throw PlexusError.invalidArgument(
          context: "Layer \(layer) build_config", message: "invalid shape \(entry)")
      }
      return Shape(dims)
    }
  }
}

/// A layer built from several inputs that remembers all their shapes (``Layer/buildShape``
/// holds the first only), so that its `build_config` lists each, as Keras writes it.
protocol MultiInputLayer: Layer {
  /// The input shapes the layer was built for, batch axis -1.
  var builtInputShapes: [Shape]? { get }
}

/// Existing layers by name, which a config's layers of those names resolve to (the same
/// objects, so the same weights) instead of new ones. `@unchecked`: layers are not `Sendable`,
/// but this value only carries them into the task-local of the one task that rebuilds a model,
/// which reads them there and nowhere else (the C ABI runs calls on models that share layers
/// one at a time).
struct SharedLayers: @unchecked Sendable {
  let byName: [String: Layer]

  init(_ byName: [String: Layer]) { self.byName = byName }

  /// The shared layer the config `object` names, or nil when it names none; an error when the
  /// shared layer is of another class.
  func layer(for object: SerializedObject) throws -> Layer? {
    guard !byName.isEmpty, let name = object.config["name"]?.stringValue,
      let layer = byName[name]
    else { return nil }
    guard layer.className == object.className else {
      throw PlexusError.invalidArgument(
        context: "Layer \(name)",
        message: "the config makes a \(object.className) where the shared layer of that name "
          + "is a \(layer.className)")
    }
    return layer
  }
}

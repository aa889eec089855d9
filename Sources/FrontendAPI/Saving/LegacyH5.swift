/// Keras's legacy HDF5 format: the `.h5` files of `model.save("m.h5")` in Keras 2 (tf.keras)
/// and Keras 3, and of Keras 2's `model.save_weights("w.h5")`:
///
/// - the root's attributes hold `model_config` (the model's JSON) and, for a compiled model,
///   `training_config` (the loss, metrics and optimizer);
/// - the weights sit in the group `model_weights` (the root, for a weights-only file), whose
///   attribute `layer_names` lists the layers; each layer's group lists its weights in the
///   attribute `weight_names` (trainable ones first), each a dataset at
///   `LAYER/WEIGHT_NAME`.
///
/// Keras 2's JSON is upgraded to Keras 3's on the way in: its list form of Functional nodes,
/// `batch_input_shape`, `Custom>` optimizer names and the keys Keras 3 dropped. The weights
/// are matched to the model's layers with weights in order, as Keras's legacy loader matches
/// them. An optimizer's saved state is not restored: a loaded model compiles with a fresh
/// optimizer, as Keras does when the state does not match.
enum LegacyH5 {
  /// The string attributes read here, checked before libhdf5 reads them.
  static let attributeNames = ["model_config", "training_config", "layer_names", "weight_names"]

  /// Whether `path` names a legacy file: `.h5` or `.hdf5`, not Keras 3's `.weights.h5`.
  static func isLegacyPath(_ path: String) -> Bool {
    (path.hasSuffix(".h5") || path.hasSuffix(".hdf5")) && !path.hasSuffix(".weights.h5")
  }

  /// Whether `bytes` begin with HDF5's signature.
  static func isHDF5(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A])
  }

  /// The model of the legacy `.h5` file at `path`.
  static func load(_ path: String, compile: Bool) throws -> Model {
    let context = "loadModel('\(path)')"
    let file = try open(path, context: context)
    guard let configText = try file.stringAttribute("model_config", of: "")?.first else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "has no model_config: it holds weights only (Keras's save_weights); build the "
          + "model and call loadWeights")
    }
    var value = upgrade(try ConfigValue(json: configText))
    if compile, let trainingText = try file.stringAttribute("training_config", of: "")?.first,
      case .object(var members) = value
    {
      members["compile_config"] = try compileConfig(ConfigValue(json: trainingText))
      value = .object(members)
    }
    let model = try Model.fromSerialized(value)
    try readWeights(into: model, from: file, context: context)
    return model
  }

  /// Loads the weights of a legacy `.h5` file (a whole model's or `save_weights`'s) into
  /// `model`, layer by layer.
  static func loadWeights(into model: Model, path: String, context: String) throws {
    try readWeights(into: model, from: open(path, context: context), context: context)
  }

  /// The HDF5 file at `path`, its string attributes checked before libhdf5 may read them.
  private static func open(_ path: String, context: String) throws -> HDF5File {
    let image = try AtomicFile.read(path, limit: KerasFile.weightsLimit, context: context)
    guard isHDF5(image) else {
      throw PlexusError.invalidArgument(
        context: context, message: "is not an HDF5 file, as a legacy .h5 file must be")
    }
    try HDF5File.checkStringAttributes(image, names: attributeNames, label: path)
    return try HDF5File.open(image: image, label: path)
  }

  // MARK: Weights

  /// Assigns each saved layer's weights to the model's layer with weights at the same place,
  /// checking every count and shape before assigning any.
  private static func readWeights(into model: Model, from file: HDF5File, context: String)
    throws
  {
    // A whole model's weights sit in `model_weights`; `save_weights` puts them at the root.
    let group = try file.exists("model_weights") ? "model_weights" : ""
    guard let names = try strings(file, "layer_names", of: group) else {
      throw PlexusError.invalidArgument(
        context: context, message: "has no layer_names: it is not a Keras .h5 file")
    }
    var saved: [(name: String, weights: [String])] = []
    for name in names {
      let path = group.isEmpty ? name : "\(group)/\(name)"
      let weights = try strings(file, "weight_names", of: path) ?? []
      if !weights.isEmpty { saved.append((name, weights)) }
    }
    var layers = model.layers.filter { !$0.weights.isEmpty }
    guard layers.count == saved.count else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "the file has weights for \(saved.count) layers (\(saved.map(\.name))), the "
          + "model has \(layers.count) layers with weights (\(layers.map(\.name)))")
    }
    // Matched by name when every saved name is a layer's (a model made from the file's own
    // config, whose layer order may differ from Keras's), else in order, as Keras matches.
    let byName = Dictionary(layers.map { ($0.name, $0) }) { first, _ in first }
    let named = saved.compactMap { byName[$0.name] }
    if named.count == saved.count, Set(named.map(ObjectIdentifier.init)).count == named.count {
      layers = named
    }
    var assignments: [(targets: [Variable], values: [Tensor])] = []
    for (layer, entry) in zip(layers, saved) {
      // Keras's legacy order: trainable weights first.
      let targets = layer.trainableWeights + layer.nonTrainableWeights
      guard targets.count == entry.weights.count else {
        throw PlexusError.invalidArgument(
          context: "\(context), layer '\(layer.name)'",
          message: "the file's layer '\(entry.name)' has \(entry.weights.count) weights "
            + "(\(entry.weights)), this layer \(targets.count)")
      }
      let base = group.isEmpty ? entry.name : "\(group)/\(entry.name)"
      let values = try zip(targets, entry.weights).map { variable, weightName in
        try KerasWeights.readTensor(
          file, "\(base)/\(weightName)", shape: variable.shape, dtype: variable.dtype,
          owner: "layer '\(layer.name)'")
      }
      assignments.append((targets, values))
    }
    // Every weight read and checked before any is assigned.
    for (targets, values) in assignments {
      for (variable, value) in zip(targets, values) { try variable.assign(value) }
    }
  }

  /// A list attribute, whole or in Keras's chunks (`name0`, `name1`, ... when it was too long
  /// for one attribute), or nil when neither is there.
  private static func strings(_ file: HDF5File, _ name: String, of path: String) throws
    -> [String]?
  {
    if let whole = try file.stringAttribute(name, of: path) { return whole }
    var parts: [String] = []
    var chunk = 0
    while chunk < HDF5File.attributeStringLimit,
      let part = try file.stringAttribute("\(name)\(chunk)", of: path)
    {
      parts += part
      chunk += 1
    }
    return chunk == 0 ? nil : parts
  }

  // MARK: Keras 2 → Keras 3

  /// Keras 2's model JSON in Keras 3's form (Keras 3's own passes through unchanged).
  static func upgrade(_ value: ConfigValue) -> ConfigValue {
    guard case .object(var entry) = value, case .object(var config)? = entry["config"] else {
      return value
    }
    let className = entry["class_name"]?.stringValue ?? ""
    if className == "InputLayer", let shape = config["batch_input_shape"] {
      config["batch_shape"] = config["batch_shape"] ?? shape
      config["batch_input_shape"] = nil
    }
    if ["Sequential", "Functional", "Model"].contains(className),
      var layers = config["layers"]?.arrayValue
    {
      // Before the upgrade, which drops the first layer's `batch_input_shape`.
      if className == "Sequential" { layers = withInputLayer(layers) }
      layers = layers.map(upgrade)
      config["layers"] = .array(layers)
    } else {
      // Keras 2 wrote a layer's input shape on it; Keras 3 keeps it on the InputLayer.
      config["batch_input_shape"] = nil
    }
    // Keras 2's BatchNormalization wrote its axis as a list of one.
    if className == "BatchNormalization", let axes = config["axis"]?.arrayValue, axes.count == 1 {
      config["axis"] = axes[0]
    }
    // Keys Keras 3 dropped, inert at their Keras 2 defaults.
    for key in ["time_major", "implementation"] { config[key] = nil }
    for key in ["layer", "backward_layer", "cell"] {
      if let nested = config[key] { config[key] = upgrade(nested) }
    }
    entry["config"] = .object(config)
    if let nodes = entry["inbound_nodes"]?.arrayValue {
      entry["inbound_nodes"] = .array(nodes.map(upgradeNode))
    }
    return .object(entry)
  }

  /// A Keras 2 Sequential that declared its input on the first layer gets an InputLayer.
  private static func withInputLayer(_ layers: [ConfigValue]) -> [ConfigValue] {
    guard let first = layers.first, first["class_name"]?.stringValue != "InputLayer",
      case .object(let original)? = first["config"],
      let shape = original["batch_input_shape"]
    else { return layers }
    let input: ConfigValue = [
      "class_name": "InputLayer",
      "config": [
        "batch_shape": shape,
        "dtype": original["dtype"]?.stringValue.map(ConfigValue.string)
          ?? "float32",
        "name": .string((original["name"]?.stringValue ?? "layer") + "_input"),
      ],
    ]
    return [input] + layers
  }

  /// A Keras 2 node (`[[layer, node, tensor, kwargs], ...]`) as Keras 3 writes it (`{"args":
  /// [tensor or [tensors]], "kwargs": {...}}`).
  private static func upgradeNode(_ node: ConfigValue) -> ConfigValue {
    guard let inputs = node.arrayValue,
      inputs.allSatisfy({ ($0.arrayValue?.count ?? 0) >= 3 })
    else { return node }
    let tensors: [ConfigValue] = inputs.map { input in
      let parts = input.arrayValue ?? []
      return [
        "class_name": "__keras_tensor__",
        "config": ["keras_history": .array(Array(parts.prefix(3)))],
      ]
    }
    let kwargs = inputs.first?.arrayValue.flatMap { $0.count > 3 ? $0[3] : nil } ?? [:]
    return [
      "args": .array([tensors.count == 1 ? tensors[0] : .array(tensors)]),
      "kwargs": kwargs.isNull ? [:] : kwargs,
    ]
  }

  /// Keras's `training_config` as a Keras 3 `compile_config`.
  static func compileConfig(_ training: ConfigValue) throws -> ConfigValue {
    guard case .object(let members) = training else {
      throw PlexusError.invalidArgument(
        context: "training_config", message: "expected a JSON object, received \(training)")
    }
    var optimizer = members["optimizer_config"] ?? .null
    if case .object(var object) = optimizer {
      // tf.keras 2.11+ writes "Custom>Adam" for its own optimizers.
      if let name = object["class_name"]?.stringValue, name.hasPrefix("Custom>") {
        object["class_name"] = .string(String(name.dropFirst("Custom>".count)))
      }
      if case .object(var settings)? = object["config"] {
        for key in ["is_legacy_optimizer", "jit_compile"] { settings[key] = nil }
        if let rate = settings["lr"], settings["learning_rate"] == nil {
          settings["learning_rate"] = rate
        }
        settings["lr"] = nil
        if settings["decay"]?.doubleValue == 0 { settings["decay"] = nil }
        object["config"] = .object(settings)
      }
      optimizer = .object(object)
    }
    var result: [String: ConfigValue] = ["optimizer": optimizer]
    for key in ["loss", "metrics", "weighted_metrics", "loss_weights"] {
      result[key] = upgradeObjects(members[key] ?? .null)
    }
    return .object(result)
  }

  /// Keras 2's losses and metrics as Keras 3 reads them: `reduction: "auto"` is
  /// `"sum_over_batch_size"`, a loss's `fn` goes, and a `MeanMetricWrapper` is its metric's
  /// name (`accuracy`, or the function it wraps).
  private static func upgradeObjects(_ value: ConfigValue) -> ConfigValue {
    if let list = value.arrayValue { return .array(list.map(upgradeObjects)) }
    guard case .object(var object) = value, case .object(var config)? = object["config"] else {
      return value
    }
    if object["class_name"]?.stringValue == "MeanMetricWrapper" {
      let name = config["name"]?.stringValue
      if let name, ["accuracy", "acc"].contains(name) { return .string(name) }
      return config["fn"] ?? name.map(ConfigValue.string) ?? value
    }
    if config["reduction"]?.stringValue == "auto" { config["reduction"] = "sum_over_batch_size" }
    config["fn"] = nil
    object["config"] = .object(config)
    return .object(object)
  }
}

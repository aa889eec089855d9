extension Model {
  /// The model as `keras.saving.serialize_keras_object` writes it, with `build_config` and
  /// `compile_config`.
  var modelSerialized: SerializedObject {
    let compileConfig = compiledConfig
    if self is Sequential {
      let shape = (self as? Sequential)?.knownInputShape
      return SerializedObject(
        module: "keras", className: "Sequential", config: .object(config),
        buildConfig: shape.map { ["input_shape": .shape($0.dims)] }, compileConfig: compileConfig)
    }
    if graph != nil {
      return SerializedObject(
        module: "keras.src.models.functional", className: "Functional", config: .object(config),
        registeredName: "Functional", buildConfig: ["input_shape": .null],
        compileConfig: compileConfig)
    }
    let registered = Layer.registry.registeredName(forClass: className)
    return SerializedObject(
      module: registered == nil ? "keras" : "", className: className, config: .object(config),
      registeredName: registered, buildConfig: buildConfig, compileConfig: compileConfig)
  }

  /// What Keras writes under `compile_config`: `{}` before `compile`, else the optimizer, the
  /// loss and the metrics.
  var compiledConfig: ConfigValue {
    guard let compiled else { return [:] }
    // A metric goes by its name only when the name rebuilds it exactly (`Precision` with its
    // default name but other thresholds must keep them).
    func written(_ metrics: [Metric], _ loss: Loss) -> ConfigValue {
      .array(
        metrics.map { metric -> ConfigValue in
          let byName = try? Metric.named(metric.name, for: loss)
          return byName?.serialized == metric.serialized
            ? .string(metric.name) : metric.serialized.value
        })
    }
    // Metrics of each output's own: one list per output, as Keras writes `[["mae"], [...]]`.
    let metrics =
      compiled.metricsPerOutput
      ? .array(zip(compiled.metrics, compiled.losses).map(written))
      : written(compiled.metrics.first ?? [], compiled.loss)
    return [
      "optimizer": compiled.optimizer.serialized.value, "loss": compiled.lossConfig,
      "loss_weights": compiled.lossWeights.map { .array($0.map(ConfigValue.double)) } ?? .null,
      "metrics": metrics,
      "weighted_metrics": compiled.weightedMetrics.first.map {
        $0.isEmpty ? .null : written($0, compiled.loss)
      } ?? .null,
      "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false,
    ]
  }

  /// The model as Keras's `model.to_json()` writes it: its architecture, no weights.
  ///
  /// ```swift
  /// let text = model.toJSON()
  /// let copy = try Model.fromJSON(text)
  /// ```
  public func toJSON(pretty: Bool = false) -> String {
    serialized.value.jsonString(pretty: pretty)
  }

  /// Rebuilds a model from the JSON of Keras's `model.to_json()` (or Plexus's ``toJSON(pretty:)``):
  /// a Sequential, a Functional graph, or a registered subclass. A non-empty `compile_config`
  /// compiles it. Nothing but registered classes and functions is run.
  /// Equivalent to `keras.models.model_from_json`.
  public static func fromJSON(_ text: String) throws -> Model {
    try fromSerialized(try ConfigValue(json: text))
  }

  /// ``fromJSON(_:)`` around existing layers: every layer the JSON names after one of
  /// `layers` (nested ones too, never the model itself) is that layer, the same object with
  /// the same weights, which then belongs to this model and to the ones it came from, as one
  /// Keras layer belongs to every model that calls it. The C ABI's
  /// `px_model_from_json_sharing` (the Python binding rebuilds each Keras model in the library
  /// this way, so that models sharing layers share their weights).
  package static func fromJSON(_ text: String, sharing layers: [String: Layer]) throws -> Model {
    try fromSerialized(try ConfigValue(json: text), sharing: layers)
  }

  /// ``fromJSON(_:)`` on an already parsed value (a `.keras` file's `config.json`).
  static func fromSerialized(_ value: ConfigValue, sharing layers: [String: Layer] = [:]) throws
    -> Model
  {
    let object = try SerializedObject(value, kind: "Layer")
    let layer = try Layer.$sharedLayers.withValue(SharedLayers(layers)) {
      try Layer.made(object)
    }
    guard let model = layer as? Model else {
      throw PlexusError.invalidArgument(
        context: "Model.fromJSON",
        message: "expected a model, received a \(layer.className) layer; use Layer.fromConfig")
    }
    if let compileConfig = value["compile_config"], compileConfig.objectValue?.isEmpty == false {
      try model.compile(fromConfig: compileConfig)
    }
    return model
  }

  /// Compiles from a Keras `compile_config`.
  func compile(fromConfig value: ConfigValue) throws {
    let context = "Model '\(name)' compile_config"
    guard let optimizer = value["optimizer"], let loss = value["loss"], !loss.isNull else {
      throw PlexusError.invalidArgument(
        context: context, message: "needs an 'optimizer' and a 'loss', received \(value)")
    }
    // One list of weighted metrics for every output (Keras's per-output forms are refused).
    var weighted: [any MetricConvertible] = []
    if let entry = value["weighted_metrics"], !entry.isNull {
      guard let list = entry.arrayValue, !list.contains(where: { $0.arrayValue != nil }) else {
        throw PlexusError.invalidArgument(
          context: context,
          message: "'weighted_metrics' must be null or one list of metrics for every output, "
            + "received \(entry)")
      }
      weighted = try list.map(Self.metric)
    }
    let names = outputNames
    let metricsEntry = value["metrics"] ?? .null
    let outputMetrics = try perOutputMetrics(metricsEntry, context: context)
    // With one output, its per-output metrics are the model's metrics.
    let metrics =
      outputMetrics == nil
      ? try (metricsEntry.arrayValue ?? []).map(Self.metric) : (outputMetrics?.first ?? [])
    func perOutput(_ entry: ConfigValue, what: String) throws -> [ConfigValue] {
      if let list = entry.arrayValue { return list }
      guard let members = entry.objectValue, entry["class_name"] == nil else { return [entry] }
      return try names.map { name in
        guard let member = members[name] else {
          throw PlexusError.invalidArgument(
            context: context,
            message: "'\(what)' has no entry for output '\(name)' (it has \(members.keys.sorted()))"
          )
        }
        return member
      }
    }
    func makeLoss(_ entry: ConfigValue) throws -> Loss {
      if let name = entry.stringValue { return try Loss.named(name) }
      return try Loss.fromConfig(entry)
    }
    let losses = try perOutput(loss, what: "loss").map(makeLoss)
    var weights: [Double]?
    if let entry = value["loss_weights"], !entry.isNull {
      weights = try perOutput(entry, what: "loss_weights").map { weight in
        guard let number = weight.doubleValue else {
          throw PlexusError.invalidArgument(
            context: context, message: "'loss_weights' holds \(weight); expected numbers")
        }
        return number
      }
    }
    let madeOptimizer = try Optimizer.fromConfig(optimizer)
    if let outputMetrics, names.count > 1 {
      let all = losses.count == 1 ? Array(repeating: losses[0], count: names.count) : losses
      try compile(
        optimizer: madeOptimizer, loss: all, lossWeights: weights, outputMetrics: outputMetrics,
        weightedMetrics: weighted)
    } else if losses.count == 1, weights == nil {
      try compile(
        optimizer: madeOptimizer, loss: losses[0], metrics: metrics, weightedMetrics: weighted)
    } else {
      try compile(
        optimizer: madeOptimizer, loss: losses, lossWeights: weights, metrics: metrics,
        weightedMetrics: weighted)
    }
  }

  /// A metric of a `compile_config` (or of `px_model_compile`): a name, or a serialized
  /// metric.
  package static func metric(_ entry: ConfigValue) throws -> any MetricConvertible {
    if let name = entry.stringValue { return name }
    return try Metric.fromConfig(entry)
  }

  /// Keras's per-output metrics in `entry` (a `compile_config`'s `metrics`): a list of lists
  /// (one per output, null for none) or a dict by output name (outputs it leaves out get
  /// none), as one list per output; nil when `entry` is one list for every output.
  package func perOutputMetrics(_ entry: ConfigValue, context: String) throws
    -> [[any MetricConvertible]]?
  {
    let names = outputNames
    func list(_ value: ConfigValue) throws -> [any MetricConvertible] {
      try (value.arrayValue ?? (value.isNull ? [] : [value])).map(Self.metric)
    }
    if let members = entry.objectValue, entry["class_name"] == nil {
      let unknown = Set(members.keys).subtracting(names)
      guard unknown.isEmpty else {
        throw PlexusError.invalidArgument(
          context: context,
          message: "'metrics' names outputs \(unknown.sorted()) the model does not have; its "
            + "outputs are \(names)")
      }
      return try names.map { name in try members[name].map(list) ?? [] }
    }
    guard let entries = entry.arrayValue,
      entries.contains(where: { $0.arrayValue != nil || $0.isNull })
    else { return nil }
    guard entries.count == names.count else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "'metrics' has \(entries.count) per-output lists for \(names.count) outputs")
    }
    return try entries.map(list)
  }
}

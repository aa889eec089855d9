/// Rebuilds a Functional model from Keras's config: creates every layer, then replays each
/// layer's calls (`inbound_nodes`) in order as soon as the tensors they read exist, so shared
/// layers are called once per node and the graph comes out with Keras's topology.
struct FunctionalBuilder {
  private struct Pending {
    let layer: Layer
    let nodes: [ConfigValue]
    var next = 0
  }

  private let config: ConfigReader
  private var tensors: [String: SymbolicTensor] = [:]

  init(_ config: ConfigReader) { self.config = config }

  mutating func build() throws -> Model {
    let settings = try LayerSettings(config)
    guard let entries = config.value("layers")?.arrayValue else {
      throw config.mismatch("layers", "a list of layer entries")
    }
    var pending: [Pending] = []
    for entry in entries {
      guard let members = entry.objectValue, let name = members["name"]?.stringValue else {
        throw config.mismatch("layers", "entries with a 'name'")
      }
      if members["class_name"]?.stringValue == "InputLayer" {
        tensors[Self.key(name, 0)] = try InputLayerConfig(entry).makeInput()
        continue
      }
      var serialized = members
      serialized["name"] = nil
      serialized["inbound_nodes"] = nil
      let layer = try Layer.fromConfig(.object(serialized))
      pending.append(Pending(layer: layer, nodes: members["inbound_nodes"]?.arrayValue ?? []))
    }
    var progress = true
    while progress {
      progress = false
      for index in pending.indices {
        while pending[index].next < pending[index].nodes.count,
          let inputs = try resolve(pending[index].nodes[pending[index].next], pending[index].layer)
        {
          let layer = pending[index].layer
          tensors[Self.key(layer.name, pending[index].next)] =
            inputs.values.count == 1 && !inputs.isList
            ? try layer(inputs.values[0]) : try layer(inputs.values)
          pending[index].next += 1
          progress = true
        }
      }
    }
    if let stuck = pending.first(where: { $0.next < $0.nodes.count }) {
      throw PlexusError.invalidArgument(
        context: "Functional config",
        message: "node \(stuck.next) of layer '\(stuck.layer.name)' reads a tensor no layer makes")
    }
    let inputs = try ends("input_layers")
    let outputs = try ends("output_layers")
    let model = try Model(inputs: inputs, outputs: outputs, name: settings.name)
    _ = try settings.finish(config, model)
    return model
  }

  /// The tensors a node reads, or nil while one of them is not made yet.
  private func resolve(_ node: ConfigValue, _ layer: Layer) throws -> (
    values: [SymbolicTensor], isList: Bool
  )? {
    guard let args = node["args"]?.arrayValue, args.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "a node must have exactly one positional argument, received \(node)")
    }
    // `training` is decided at run time, as in Keras; a null mask is no mask.
    let unsupported = (node["kwargs"]?.objectValue ?? [:]).filter { key, value in
      !(key == "training" && (value.boolValue != nil || value.isNull))
        && !(key == "mask" && value.isNull)
    }
    if !unsupported.isEmpty {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "call arguments \(unsupported.keys.sorted()) are not supported; Plexus layers "
          + "take their inputs, and `training` at run time")
    }
    let isList = args[0].arrayValue != nil
    var values: [SymbolicTensor] = []
    for tensor in args[0].arrayValue ?? [args[0]] {
      guard let history = tensor["config"]?["keras_history"]?.arrayValue, history.count == 3,
        let name = history[0].stringValue, let node = history[1].intValue
      else {
        throw PlexusError.invalidArgument(
          context: "Functional config, layer '\(layer.name)'",
          message: "expected a __keras_tensor__ with a keras_history, received \(tensor)")
      }
      guard let value = tensors[Self.key(name, node)] else { return nil }
      values.append(value)
    }
    return (values, isList)
  }

  /// `input_layers` or `output_layers`: one `[name, node, index]` or a list of them.
  private func ends(_ key: String) throws -> [SymbolicTensor] {
    guard let raw = config.value(key)?.arrayValue else { throw config.mismatch(key, "a list") }
    let triples = raw.first?.arrayValue != nil ? raw : [.array(raw)]
    return try triples.map { triple in
      guard let parts = triple.arrayValue, parts.count == 3, let name = parts[0].stringValue,
        let node = parts[1].intValue, let value = tensors[Self.key(name, node)]
      else { throw config.mismatch(key, "[layer name, node index, tensor index] of a known layer") }
      return value
    }
  }

  private static func key(_ name: String, _ node: Int) -> String { "\(name)#\(node)" }
}

extension Model {
  /// Rebuilds a Functional model from its config (the registry's `"Functional"` factory).
  static func functional(from config: ConfigReader) throws -> Layer {
    var builder = FunctionalBuilder(config)
    return try builder.build()
  }
}

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
  /// Every node's tensors (one, or an RNN's output and states), by layer and node index.
  private var tensors: [String: [SymbolicTensor]] = [:]
  /// The op nodes Keras saves for the masks it computes itself (`NotEqual` for an Embedding's
  /// `mask_zero`, `NotEqual` then `Any` for a Masking layer, `ConvertToTensor` of either where
  /// an attention layer passes its query's mask on), by name: Plexus computes the same
  /// masks at run time, so these nodes, and `mask` arguments that read them, are skipped.
  private var automaticMasks: Set<String> = []
  /// The mask op entries, by name, until ``checkMaskOps(_:)`` accepts them.
  private var maskOps: [String: ConfigValue] = [:]

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
        tensors[Self.key(name, 0)] = [try InputLayerConfig(entry).makeInput()]
        continue
      }
      if let className = members["class_name"]?.stringValue,
        ["NotEqual", "Any", "ConvertToTensor"].contains(className),
        members["module"]?.stringValue?.hasPrefix("keras.src.ops") == true
      {
        maskOps[name] = entry
        continue
      }
      var serialized = members
      serialized["name"] = nil
      serialized["inbound_nodes"] = nil
      let layer = try Layer.fromConfig(.object(serialized))
      pending.append(Pending(layer: layer, nodes: members["inbound_nodes"]?.arrayValue ?? []))
    }
    try checkMaskOps(entries)
    var progress = true
    while progress {
      progress = false
      for index in pending.indices {
        while pending[index].next < pending[index].nodes.count,
          let inputs = try resolve(pending[index].nodes[pending[index].next], pending[index].layer)
        {
          let layer = pending[index].layer
          tensors[Self.key(layer.name, pending[index].next)] =
            if let attention = layer as? MultiHeadAttention,
              inputs.options["return_attention_scores"]?.boolValue == true
            {
              try attention.scoredCall(
                inputs.values, options: inputs.options, named: inputs.named)
            } else if let attention = layer as? Attention,
              inputs.options["return_attention_scores"]?.boolValue == true
            {
              try attention.scoredCall(inputs.values, options: inputs.options)
            } else if let stateful = layer as? any StatefulGraphCall,
              stateful.makesSeveralOutputs || inputs.states > 0, let x = inputs.values.first
            {
              try stateful.graphCall(x, initialState: Array(inputs.values.dropFirst()))
            } else {
              [try layer.symbolicCall(inputs.values, options: inputs.options, named: inputs.named)]
            }
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

  /// The tensors a node reads (a recurrent layer's `initial_state` last, counted by `states`),
  /// or nil while one of them is not made yet.
  private func resolve(_ node: ConfigValue, _ layer: Layer) throws -> (
    values: [SymbolicTensor], options: [String: ConfigValue], states: Int,
    named: [(name: String, tensor: SymbolicTensor)]
  )? {
    if let signature = layer as? any KerasCallSignature {
      return try resolveSignature(node, signature).map { ($0.values, $0.options, 0, $0.named) }
    }
    guard let args = node["args"]?.arrayValue, args.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "a node must have exactly one positional argument, received \(node)")
    }
    // `training` is decided at run time, as in Keras; a null mask is no mask, and a mask Keras
    // computed itself is computed again at run time (the input carries it).
    var keywords = node["kwargs"]?.objectValue ?? [:]
    var stateTensors: [ConfigValue] = []
    if layer is any StatefulGraphCall, let given = keywords.removeValue(forKey: "initial_state"),
      !given.isNull
    {
      stateTensors = given.arrayValue ?? [given]
    }
    var options: [String: ConfigValue] = [:]
    if let listCall = layer as? any ListCallOptions {
      // Keyword options beside the list of tensors (`use_causal_mask`), checked by the layer.
      options = keywords.filter { $0.key != "training" && $0.key != "mask" }
      try listCall.checkCallOptions(options)
      for key in options.keys { keywords[key] = nil }
    }
    let unsupported = keywords.filter { key, value in
      !(key == "training" && (value.boolValue != nil || value.isNull))
        && !(key == "mask"
          && (value.isNull || (Self.readsMasks(layer) && automaticMasks(value, for: layer))))
    }
    if !unsupported.isEmpty {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "call arguments \(unsupported.keys.sorted()) are not supported; Plexus layers "
          + "take their inputs, and `training` at run time")
    }
    var values: [SymbolicTensor] = []
    for tensor in (args[0].arrayValue ?? [args[0]]) + stateTensors {
      guard let value = try symbol(tensor, layer) else { return nil }
      values.append(value)
    }
    return (values, options, stateTensors.count, [])
  }

  /// Accepts the saved mask op nodes that are Keras's own mask computations, and refuses any
  /// other: `NotEqual(t, 0)` where an `Embedding` with `mask_zero` reads `t`; `NotEqual(t, v)`
  /// then `Any(axis: -1)` where a `Masking` with `mask_value` `v` reads `t`.
  private mutating func checkMaskOps(_ entries: [ConfigValue]) throws {
    guard !maskOps.isEmpty else { return }
    func source(_ entry: ConfigValue, argument: Int = 0) -> ConfigValue? {
      entry["inbound_nodes"]?.arrayValue?.first?["args"]?.arrayValue.flatMap {
        argument < $0.count ? $0[argument] : nil
      }
    }
    func tensorName(_ value: ConfigValue?) -> String? {
      value?["config"]?["keras_history"]?.arrayValue?.first?.stringValue
    }
    // What each mask-making layer reads, with the value it masks.
    var producers: [(tensor: String, value: Double, masking: Bool)] = []
    for entry in entries {
      let settings = entry["config"]
      guard let input = tensorName(source(entry)) else { continue }
      switch entry["class_name"]?.stringValue {
      case "Embedding" where settings?["mask_zero"]?.boolValue == true:
        producers.append((input, 0, false))
      case "Masking":
        producers.append((input, settings?["mask_value"]?.doubleValue ?? 0, true))
      default: continue
      }
    }
    var notEqualFromMasking: Set<String> = []
    for (name, entry) in maskOps where entry["class_name"]?.stringValue == "NotEqual" {
      let input = tensorName(source(entry))
      let constant = source(entry, argument: 1)?.doubleValue
      if let match = producers.first(where: { $0.tensor == input && $0.value == constant }) {
        automaticMasks.insert(name)
        if match.masking { notEqualFromMasking.insert(name) }
      }
    }
    for (name, entry) in maskOps where entry["class_name"]?.stringValue == "Any" {
      let settings = entry["config"]
      if let input = tensorName(source(entry)), notEqualFromMasking.contains(input),
        settings?["axis"]?.intValue == -1, settings?["keepdims"]?.boolValue != true
      {
        automaticMasks.insert(name)
      }
    }
    // `ConvertToTensor` of such a mask: an attention layer's output mask (its query's).
    var converted = true
    while converted {
      converted = false
      for (name, entry) in maskOps
      where entry["class_name"]?.stringValue == "ConvertToTensor" && !automaticMasks.contains(name)
      {
        if let input = tensorName(source(entry)), automaticMasks.contains(input) {
          automaticMasks.insert(name)
          converted = true
        }
      }
    }
    if let refused = maskOps.keys.sorted().first(where: { !automaticMasks.contains($0) }) {
      throw PlexusError.invalidArgument(
        context: "Functional config, op node '\(refused)'",
        message: "only the masks Keras computes itself are supported (NotEqual of an Embedding's "
          + "ids and 0 with mask_zero, NotEqual and Any of a Masking layer's input, "
          + "ConvertToTensor of those where an attention layer passes its query's on); other ops "
          + "in a model's graph are not")
    }
  }

  /// Whether `layer` honours a mask passed to its call (Keras records `mask` for those).
  private static func readsMasks(_ layer: Layer) -> Bool {
    layer is RNN || layer is Bidirectional || layer is GlobalAveragePooling1D
      || layer is BatchNormalization || layer is MultiHeadAttention || layer is Softmax
      || layer is Attention
  }

  /// Whether a node's `mask` argument is made of Keras's own mask computations: one such tensor,
  /// or for an ``Attention`` a list of them (or nulls), one per input, which the inputs carry
  /// at run time.
  private func automaticMasks(_ value: ConfigValue, for layer: Layer) -> Bool {
    guard let entries = value.arrayValue else { return isAutomaticMask(value) }
    return layer is Attention && (2...3).contains(entries.count)
      && entries.allSatisfy { $0.isNull || isAutomaticMask($0) }
  }

  /// Whether `value` is a tensor one of Keras's own mask computations made (see
  /// `automaticMasks`).
  private func isAutomaticMask(_ value: ConfigValue) -> Bool {
    guard let name = value["config"]?["keras_history"]?.arrayValue?.first?.stringValue else {
      return false
    }
    return automaticMasks.contains(name)
  }

  /// The tensor a `__keras_tensor__` entry names, or nil while it is not made yet.
  private func symbol(_ tensor: ConfigValue, _ layer: Layer) throws -> SymbolicTensor? {
    guard let history = tensor["config"]?["keras_history"]?.arrayValue, history.count == 3,
      let name = history[0].stringValue, let node = history[1].intValue,
      let index = history[2].intValue
    else {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "expected a __keras_tensor__ with a keras_history, received \(tensor)")
    }
    guard let made = tensors[Self.key(name, node)] else { return nil }
    guard (0..<made.count).contains(index) else {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "reads output \(index) of node \(node) of layer '\(name)', which makes "
          + "\(made.count)")
    }
    return made[index]
  }

  /// A node of a layer that takes its tensors as separate arguments (`mha(query, value,
  /// use_causal_mask=True)`): positional tensors, then those passed by name, in the order of
  /// the layer's tensor arguments; the other keywords are the call's options.
  private func resolveSignature(_ node: ConfigValue, _ layer: any KerasCallSignature) throws
    -> (
      values: [SymbolicTensor], options: [String: ConfigValue],
      named: [(name: String, tensor: SymbolicTensor)]
    )?
  {
    let names = type(of: layer).tensorArguments
    var arguments = node["args"]?.arrayValue ?? []
    var options = node["kwargs"]?.objectValue ?? [:]
    for name in names.dropFirst(arguments.count) {
      guard let tensor = options.removeValue(forKey: name) else { break }
      if !tensor.isNull { arguments.append(tensor) }
    }
    // Tensors passed by keyword only (attention's `attention_mask`); null is none.
    var keywordTensors: [(name: String, value: ConfigValue)] = []
    for name in type(of: layer).keywordTensorArguments {
      guard let value = options.removeValue(forKey: name), !value.isNull else { continue }
      keywordTensors.append((name, value))
    }
    options = options.filter { key, value in
      !(key == "training" && (value.boolValue != nil || value.isNull))
        && !(key.hasSuffix("mask") && key != "use_causal_mask"
          && (value.isNull || (Self.readsMasks(layer as Layer) && isAutomaticMask(value))))
    }
    guard (1...names.count).contains(arguments.count) else {
      throw PlexusError.invalidArgument(
        context: "Functional config, layer '\(layer.name)'",
        message: "a node passes \(names.joined(separator: ", ")) (at most \(names.count) "
          + "tensors), received \(arguments.count)")
    }
    try layer.checkCallOptions(options)
    var values: [SymbolicTensor] = []
    for tensor in arguments {
      guard let value = try symbol(tensor, layer) else { return nil }
      values.append(value)
    }
    var named: [(name: String, tensor: SymbolicTensor)] = []
    for (name, tensor) in keywordTensors {
      guard let value = try symbol(tensor, layer) else { return nil }
      named.append((name, value))
    }
    return (values, options, named)
  }

  /// `input_layers` or `output_layers`: one `[name, node, index]` or a list of them.
  private func ends(_ key: String) throws -> [SymbolicTensor] {
    guard let raw = config.value(key)?.arrayValue else { throw config.mismatch(key, "a list") }
    let triples = raw.first?.arrayValue != nil ? raw : [.array(raw)]
    return try triples.map { triple in
      guard let parts = triple.arrayValue, parts.count == 3, let name = parts[0].stringValue,
        let node = parts[1].intValue, let index = parts[2].intValue,
        let made = tensors[Self.key(name, node)], (0..<made.count).contains(index)
      else { throw config.mismatch(key, "[layer name, node index, tensor index] of a known layer") }
      return made[index]
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

extension Model {
  /// Keras's Functional config: every layer with the calls that feed it (`inbound_nodes`),
  /// and the graph's ends (`input_layers`, `output_layers`).
  var functionalConfig: [String: ConfigValue] {
    guard let graph else { return [:] }
    // Keras numbers each layer's calls ("nodes") in the order they were made.
    var history: [ObjectIdentifier: ConfigValue] = [:]
    var calls: [ObjectIdentifier: [SymbolicTensor]] = [:]
    for input in graph.inputs {
      history[ObjectIdentifier(input)] = [.string(Self.inputName(input)), 0, 0]
    }
    for symbol in graph.order.sorted(by: { $0.serial < $1.serial }) {
      guard let producer = symbol.producer else { continue }
      let key = ObjectIdentifier(producer.layer)
      let index = calls[key, default: []].count
      calls[key, default: []].append(symbol)
      history[ObjectIdentifier(symbol)] = [.string(producer.layer.name), .int(index), 0]
    }
    func tensor(_ symbol: SymbolicTensor) -> ConfigValue {
      [
        "class_name": "__keras_tensor__",
        "config": [
          "shape": .shape(symbol.shape.dims), "dtype": .string(symbol.dtype.description),
          "keras_history": history[ObjectIdentifier(symbol)] ?? .null,
        ],
      ]
    }
    var layers: [ConfigValue] = graph.inputs.map { input in
      var entry = InputLayerConfig(name: Self.inputName(input), shape: input.shape, dtype: input.dtype)
        .serialized.value.objectValue ?? [:]
      entry["name"] = .string(Self.inputName(input))
      entry["inbound_nodes"] = []
      return .object(entry)
    }
    for layer in graph.layers {
      var entry = layer.serialized.value.objectValue ?? [:]
      entry["name"] = .string(layer.name)
      let nodes = (calls[ObjectIdentifier(layer)] ?? []).map { symbol -> ConfigValue in
        let inputs = symbol.producer?.inputs ?? []
        let argument = inputs.count == 1 ? tensor(inputs[0]) : .array(inputs.map(tensor))
        return ["args": [argument], "kwargs": [:]]
      }
      entry["inbound_nodes"] = .array(nodes)
      layers.append(.object(entry))
    }
    func ends(_ symbols: [SymbolicTensor]) -> ConfigValue {
      let entries = symbols.map { history[ObjectIdentifier($0)] ?? .null }
      return entries.count == 1 ? entries[0] : .array(entries)
    }
    return [
      "name": .string(name), "trainable": .bool(trainable), "layers": .array(layers),
      "input_layers": ends(graph.inputs), "output_layers": ends(graph.outputs),
    ]
  }

  private static func inputName(_ symbol: SymbolicTensor) -> String {
    (symbol as? Input)?.name ?? "input_layer"
  }
}

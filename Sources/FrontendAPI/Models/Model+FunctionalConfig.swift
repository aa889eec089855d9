extension Model {
  /// Keras's Functional config: every layer with the calls that feed it (`inbound_nodes`),
  /// and the graph's ends (`input_layers`, `output_layers`).
  var functionalConfig: [String: ConfigValue] {
    guard let graph else { return [:] }
    // Keras numbers each layer's calls ("nodes") in the order they were made.
    var history: [ObjectIdentifier: ConfigValue] = [:]
    var calls: [ObjectIdentifier: [LayerCall]] = [:]
    // A call's node index, shared by the tensors it makes (an RNN's output and states).
    var nodes: [ObjectIdentifier: Int] = [:]
    for input in graph.inputs {
      history[ObjectIdentifier(input)] = [.string(Self.inputName(input)), 0, 0]
    }
    for symbol in graph.order.sorted(by: { $0.serial < $1.serial }) {
      guard let producer = symbol.producer else { continue }
      let key = ObjectIdentifier(producer.layer)
      let index: Int
      if let known = nodes[ObjectIdentifier(producer)] {
        index = known
      } else {
        index = calls[key, default: []].count
        calls[key, default: []].append(producer)
        nodes[ObjectIdentifier(producer)] = index
      }
      history[ObjectIdentifier(symbol)] = [
        .string(producer.layer.name), .int(index), .int(symbol.outputIndex),
      ]
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
    var layers: [ConfigValue] = []
    for operation in Self.kerasOrder(graph) {
      switch operation {
      case .input(let input):
        var entry =
          InputLayerConfig(name: Self.inputName(input), shape: input.shape, dtype: input.dtype)
          .serialized.value.objectValue ?? [:]
        entry["name"] = .string(Self.inputName(input))
        entry["inbound_nodes"] = []
        layers.append(.object(entry))
      case .layer(let layer):
        var entry = layer.serialized.value.objectValue ?? [:]
        entry["name"] = .string(layer.name)
        let nodes = (calls[ObjectIdentifier(layer)] ?? []).map { call -> ConfigValue in
          let inputs = call.inputs
          if layer is any KerasCallSignature {
            // Each tensor is a positional argument of its own, the options and the tensors
            // passed by keyword are keyword ones.
            var keywords = call.options
            for (name, input) in zip(call.keywordInputs, inputs.suffix(call.keywordInputs.count)) {
              keywords[name] = tensor(input)
            }
            return ["args": .array(call.positionalInputs.map(tensor)), "kwargs": .object(keywords)]
          }
          if call.stateInputs > 0, let first = inputs.first {
            // `layer(x, initial_state=[...])`, as Keras records it.
            return [
              "args": [tensor(first)],
              "kwargs": ["initial_state": .array(inputs.dropFirst().map(tensor))],
            ]
          }
          let argument = inputs.count == 1 ? tensor(inputs[0]) : .array(inputs.map(tensor))
          let keywords = (Self.recordedKeywords[layer.className]?.objectValue ?? [:])
            .merging(call.options) { $1 }
          return ["args": [argument], "kwargs": .object(keywords)]
        }
        entry["inbound_nodes"] = .array(nodes)
        layers.append(.object(entry))
      }
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

  /// The keyword arguments Keras records with each call of these classes: the defaults of the
  /// extra arguments of their `call` (Plexus passes `training` at run time instead, as Keras's
  /// Functional model does when it replays a node).
  static let recordedKeywords: [String: ConfigValue] = [
    "Dropout": ["training": false], "Sequential": ["mask": .null], "Functional": ["mask": .null],
  ]

  static func inputName(_ symbol: SymbolicTensor) -> String {
    (symbol as? Input)?.name ?? "input_layer"
  }

  /// An entry of Keras's `layers` list.
  enum KerasOperation {
    case input(SymbolicTensor)
    case layer(Layer)
  }

  /// The order Keras's `map_graph` gives a graph's operations: deepest first (depth counted
  /// from the outputs), ties in the order a depth-first walk from the outputs first meets them.
  static func kerasOrder(_ graph: FunctionalGraph) -> [KerasOperation] {
    func operationID(_ symbol: SymbolicTensor) -> ObjectIdentifier {
      symbol.producer.map { ObjectIdentifier($0.layer) } ?? ObjectIdentifier(symbol)
    }
    var operations: [ObjectIdentifier: (index: Int, value: KerasOperation)] = [:]
    var postOrder: [SymbolicTensor] = []
    var finished = Set<ObjectIdentifier>()
    func visit(_ symbol: SymbolicTensor) {
      guard !finished.contains(ObjectIdentifier(symbol)) else { return }
      let id = operationID(symbol)
      if operations[id] == nil {
        let value: KerasOperation = symbol.producer.map { .layer($0.layer) } ?? .input(symbol)
        operations[id] = (operations.count, value)
      }
      for input in symbol.producer?.inputs ?? [] { visit(input) }
      finished.insert(ObjectIdentifier(symbol))
      postOrder.append(symbol)
    }
    for output in graph.outputs { visit(output) }
    // Keras lists every input, also one no output depends on.
    for input in graph.inputs { visit(input) }
    var nodeDepth: [ObjectIdentifier: Int] = [:]
    var operationDepth: [ObjectIdentifier: Int] = [:]
    for symbol in postOrder.reversed() {
      let id = operationID(symbol)
      let depth = Swift.max(nodeDepth[ObjectIdentifier(symbol)] ?? 0, operationDepth[id] ?? 0)
      operationDepth[id] = depth
      nodeDepth[ObjectIdentifier(symbol)] = depth
      for parent in symbol.producer?.inputs ?? [] {
        nodeDepth[ObjectIdentifier(parent)] = Swift.max(
          depth + 1, nodeDepth[ObjectIdentifier(parent)] ?? 0)
      }
    }
    return operations.sorted { left, right in
      let (leftDepth, rightDepth) = (operationDepth[left.key] ?? 0, operationDepth[right.key] ?? 0)
      return leftDepth != rightDepth ? leftDepth > rightDepth : left.value.index < right.value.index
    }.map(\.value.value)
  }
}

/// The layer calls between a Functional model's inputs and outputs, in an order that runs each
/// call after the calls it depends on.
struct FunctionalGraph {
  let inputs: [SymbolicTensor]
  let outputs: [SymbolicTensor]
  /// Every produced value in execution order.
  let order: [SymbolicTensor]
  /// Distinct layers in first-use order.
  let layers: [Layer]
  /// Max-pooling calls that run with the convolution call before them reordered
  /// (``ReluPoolingReorder``), and those convolution calls, which then run as part of them.
  private let reordered: (poolings: Set<ObjectIdentifier>, convolutions: Set<ObjectIdentifier>)

  init(inputs: [SymbolicTensor], outputs: [SymbolicTensor], model: String) throws {
    for input in inputs where !input.shape.dims.allSatisfy({ $0 >= -1 }) {
      // A graph with no layer between an input and an output builds nothing that would check.
      throw PlexusError.invalidArgument(
        context: "Model '\(model)'",
        message: "input shape \(input.shape) has a size below -1; sizes are ≥ 0, or -1 for unknown")
    }
    self.inputs = inputs
    self.outputs = outputs
    let inputIDs = Set(inputs.map(ObjectIdentifier.init))
    var order: [SymbolicTensor] = []
    var visited = Set<ObjectIdentifier>()
    var layers: [Layer] = []
    var seenLayers = Set<ObjectIdentifier>()

    func visit(_ value: SymbolicTensor) throws {
      let id = ObjectIdentifier(value)
      if visited.contains(id) || inputIDs.contains(id) { return }
      guard let producer = value.producer else {
        throw PlexusError.invalidArgument(
          context: "Model '\(model)'",
          message: "an output depends on an Input that is not among the model's inputs")
      }
      for input in producer.inputs { try visit(input) }
      visited.insert(id)
      order.append(value)
      if seenLayers.insert(ObjectIdentifier(producer.layer)).inserted {
        layers.append(producer.layer)
      }
    }
    for output in outputs { try visit(output) }
    self.order = order
    self.layers = layers
    reordered = Self.reorderedPairs(order, outputs: outputs)
  }

  /// The pooling calls whose input is a convolution call's output that nothing else reads
  /// (no other call, not the model's outputs), where the pair qualifies for
  /// ``ReluPoolingReorder``; and those convolution calls.
  private static func reorderedPairs(_ order: [SymbolicTensor], outputs: [SymbolicTensor])
    -> (poolings: Set<ObjectIdentifier>, convolutions: Set<ObjectIdentifier>)
  {
    var readers: [ObjectIdentifier: Int] = [:]
    for symbol in order {
      for input in symbol.producer?.inputs ?? [] {
        readers[ObjectIdentifier(input), default: 0] += 1
      }
    }
    for output in outputs { readers[ObjectIdentifier(output), default: 0] += 1 }
    var result: (poolings: Set<ObjectIdentifier>, convolutions: Set<ObjectIdentifier>) = ([], [])
    for symbol in order {
      guard let pooling = symbol.producer, pooling.inputs.count == 1,
        let convolution = pooling.inputs[0].producer, convolution.inputs.count == 1,
        readers[ObjectIdentifier(pooling.inputs[0])] == 1,
        ReluPoolingReorder.qualifies(convolution.layer, then: pooling.layer)
      else { continue }
      result.poolings.insert(ObjectIdentifier(symbol))
      result.convolutions.insert(ObjectIdentifier(pooling.inputs[0]))
    }
    return result
  }

  /// Runs the graph on concrete inputs.
  func run(_ values: [Tensor], training: Bool, model: String) throws -> [Tensor] {
    guard values.count == inputs.count else {
      throw PlexusError.invalidArgument(
        context: "Model '\(model)'",
        message: "expects \(inputs.count) inputs, received \(values.count)")
    }
    var computed: [ObjectIdentifier: Tensor] = [:]
    // The outputs of calls that make several, by call.
    var multiple: [ObjectIdentifier: [Tensor]] = [:]
    for (index, (symbol, value)) in zip(inputs, values).enumerated() {
      let expected = symbol.shape.dims.dropFirst()
      let matches =
        value.rank == symbol.shape.rank
        && zip(expected, value.shape.dims.dropFirst()).allSatisfy { $0 < 0 || $0 == $1 }
      guard matches else {
        throw PlexusError.shapeMismatch(
          context: "Input \(index) of model '\(model)'",
          expected: "(None, " + expected.map { $0 < 0 ? "None" : "\($0)" }.joined(separator: ", ")
            + ")",
          received: "\(value.shape)")
      }
      computed[ObjectIdentifier(symbol)] = value
    }
    func value(_ input: SymbolicTensor) throws -> Tensor {
      guard let value = computed[ObjectIdentifier(input)] else {
        throw PlexusError.invalidState(
          context: "Model '\(model)'", message: "graph is not connected")
      }
      return value
    }
    for symbol in order {
      let id = ObjectIdentifier(symbol)
      guard let producer = symbol.producer, !reordered.convolutions.contains(id) else { continue }
      if reordered.poolings.contains(id), let convolution = producer.inputs[0].producer,
        let pooled = try ReluPoolingReorder.apply(
          convolution.layer, then: producer.layer, to: value(convolution.inputs[0]),
          training: training)
      {
        computed[id] = pooled
        continue
      }
      if producer.isMultiple {
        let key = ObjectIdentifier(producer)
        let outputs =
          try multiple[key]
          ?? producer.layer.applyCall(producer, producer.inputs.map(value), training: training)
        multiple[key] = outputs
        guard symbol.outputIndex < outputs.count else {
          throw PlexusError.invalidState(
            context: "Model '\(model)', layer \(producer.layer.identity)",
            message: "made \(outputs.count) outputs; the graph reads output \(symbol.outputIndex)")
        }
        computed[id] = outputs[symbol.outputIndex]
        continue
      }
      computed[id] = try producer.layer.apply(
        producer.inputs.map(value), options: producer.options, keywords: producer.keywordInputs,
        training: training)
    }
    return try outputs.map { output in
      guard let value = computed[ObjectIdentifier(output)] else {
        throw PlexusError.invalidState(context: "Model '\(model)'", message: "output not computed")
      }
      return value
    }
  }
}

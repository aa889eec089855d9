import Synchronization

/// A placeholder for a tensor in a Functional model: a shape (batch axis -1, Keras's `None`),
/// a dtype, and the layer call that produces it.
///
/// ```swift
/// let inputs = Input(shape: [784])
/// let hidden = try Dense(128, activation: .relu)(inputs)
/// let model = try Model(inputs: inputs, outputs: Dense(10)(hidden))
/// ```
public class SymbolicTensor: CustomStringConvertible {
  /// The shape, batch axis first and -1 where unknown.
  public let shape: Shape
  /// The element type.
  public let dtype: DType
  /// The layer call that produces this value (nil for an ``Input``).
  let producer: LayerCall?
  /// Which of its call's outputs this is: 0, but for a call that makes several (a recurrent
  /// layer's final states, Keras's tensor index).
  let outputIndex: Int
  /// Creation order: numbers a shared layer's calls as Keras numbers its nodes.
  let serial: Int

  init(shape: Shape, dtype: DType, producer: LayerCall?, outputIndex: Int = 0) {
    self.shape = shape
    self.dtype = dtype
    self.producer = producer
    self.outputIndex = outputIndex
    self.serial = Self.counter.add(1, ordering: .relaxed).newValue
  }

  private static let counter = Atomic<Int>(0)

  public var description: String {
    let dims = shape.dims.map { $0 < 0 ? "None" : "\($0)" }
    return "<SymbolicTensor shape=(\(dims.joined(separator: ", "))), dtype=\(dtype)>"
  }
}

/// One application of a layer in a Functional graph, shared by the tensors it makes.
final class LayerCall {
  let layer: Layer
  let inputs: [SymbolicTensor]
  /// Keyword options of the call (``KerasCallSignature``), replayed on every run.
  let options: [String: ConfigValue]
  /// How many of `inputs`, at the end, are initial states (Keras's `initial_state=`).
  let stateInputs: Int
  /// How many tensors the call makes (a recurrent layer with `returnState`: 1 + its states).
  let outputCount: Int
  /// The names of the tensors passed by keyword (``KerasCallSignature/keywordTensorArguments``,
  /// attention's `attention_mask`): the last `keywordInputs.count` of `inputs`, in this order.
  let keywordInputs: [String]

  init(
    layer: Layer, inputs: [SymbolicTensor], options: [String: ConfigValue] = [:],
    stateInputs: Int = 0, outputCount: Int = 1, keywordInputs: [String] = []
  ) {
    self.layer = layer
    self.inputs = inputs
    self.options = options
    self.stateInputs = stateInputs
    self.outputCount = outputCount
    self.keywordInputs = keywordInputs
  }

  /// The tensors passed positionally: `inputs` without the keyword ones.
  var positionalInputs: ArraySlice<SymbolicTensor> {
    inputs.dropLast(keywordInputs.count)
  }

  /// Whether the run needs ``Layer/applyCall(_:_:training:)``: several outputs or states.
  var isMultiple: Bool { stateInputs > 0 || outputCount > 1 }
}

extension Layer {
  /// Applies the layer symbolically, building it for the input's shape.
  public func callAsFunction(_ x: SymbolicTensor) throws -> SymbolicTensor {
    try callAsFunction([x])
  }

  /// Applies a merging layer symbolically to several inputs.
  public func callAsFunction(_ inputs: [SymbolicTensor]) throws -> SymbolicTensor {
    try symbolicCall(inputs, options: [:])
  }

  /// Applies the layer symbolically with keyword options and keyword tensors (`named`), both
  /// checked by a ``KerasCallSignature`` layer; any other layer takes neither. The layer is
  /// built for `inputs` alone.
  func symbolicCall(
    _ inputs: [SymbolicTensor], options: [String: ConfigValue],
    named: [(name: String, tensor: SymbolicTensor)] = []
  ) throws -> SymbolicTensor {
    if named.isEmpty, !options.isEmpty, let layer = self as? any ListCallOptions {
      try layer.checkCallOptions(options)
      if let attention = self as? Attention, options["return_attention_scores"]?.boolValue == true {
        throw attention.scoresNeedTwoOutputs
      }
    } else if !options.isEmpty || !named.isEmpty {
      guard let layer = self as? any KerasCallSignature else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "takes no call options; received \(options.keys.sorted() + named.map(\.name))")
      }
      try layer.checkCallOptions(options)
      try layer.checkKeywordTensors(named.map(\.name))
      guard options["return_attention_scores"]?.boolValue != true else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "return_attention_scores makes the output and the scores; use "
            + "callWithScores(query:value:key:useCausalMask:)")
      }
    }
    if let stateful = self as? any StatefulGraphCall, stateful.makesSeveralOutputs {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "the call makes several tensors (the outputs, or the output and the final "
          + "states with return_state); use callWithStates(_:initialState:) to receive them all")
    }
    let shapes = inputs.map(\.shape)
    try buildIfNeeded(shapes)
    if let spec = inputSpec {
      for (index, shape) in shapes.enumerated() {
        try spec.check(shape, layer: "Input \(index) of layer \(identity)")
      }
    }
    let shape = try computeOutputShape(shapes)
    return SymbolicTensor(
      shape: shape, dtype: inputs.first?.dtype ?? .float32,
      producer: LayerCall(
        layer: self, inputs: inputs + named.map(\.tensor), options: options,
        keywordInputs: named.map(\.name)))
  }
}

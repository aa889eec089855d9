extension Attention {
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let mode = try config.string("score_mode", default: "dot")
    guard let scoreMode = ScoreMode(rawValue: mode) else {
      throw config.mismatch("score_mode", "one of \(ScoreMode.allCases.map(\.rawValue))")
    }
    let layer = try Attention(
      useScale: try config.bool("use_scale", default: false), scoreMode: scoreMode,
      dropout: try config.double("dropout", default: 0), seed: try config.optionalInt("seed"),
      name: settings.name)
    return try settings.finish(config, layer)
  }
}

extension AdditiveAttention {
  static func makeAdditive(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let layer = try AdditiveAttention(
      useScale: try config.bool("use_scale", default: true),
      dropout: try config.double("dropout", default: 0), seed: try config.optionalInt("seed"),
      name: settings.name)
    return try settings.finish(config, layer)
  }
}

extension Attention: ListCallOptions {
  /// `use_causal_mask` and `return_attention_scores` (true or false; with the scores the node
  /// makes two tensors, ``callWithScores(_:useCausalMask:)``).
  func checkCallOptions(_ options: [String: ConfigValue]) throws {
    for (key, value) in options {
      switch key {
      case "use_causal_mask" where value.boolValue != nil: continue
      case "return_attention_scores" where value.boolValue != nil: continue
      default:
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "call option \(key)=\(value) is not supported in a Functional model; "
            + "supported: use_causal_mask and return_attention_scores (true or false)")
      }
    }
  }

  func call(_ inputs: [Tensor], options: [String: ConfigValue], training: Bool) throws -> Tensor {
    try checkCallOptions(options)
    guard options["return_attention_scores"]?.boolValue != true else {
      throw scoresNeedTwoOutputs
    }
    return try attend(
      inputs, masks: (inputs.first?.mask, inputs.count > 1 ? inputs[1].mask : nil),
      useCausalMask: options["use_causal_mask"]?.boolValue ?? false, training: training
    ).output
  }

  /// The error of a one-output call asked for the scores too.
  var scoresNeedTwoOutputs: PlexusError {
    PlexusError.invalidArgument(
      context: "Layer \(identity)",
      message: "return_attention_scores makes the output and the scores; use "
        + "callWithScores(_:useCausalMask:)")
  }

  /// Applies the layer symbolically in a Functional model, `useCausalMask` recorded with the
  /// call as Keras records it.
  public func callAsFunction(_ inputs: [SymbolicTensor], useCausalMask: Bool) throws
    -> SymbolicTensor
  {
    try symbolicCall(inputs, options: useCausalMask ? ["use_causal_mask": true] : [:])
  }

  /// Applies the layer symbolically with Keras's `return_attention_scores=True`: the output and
  /// the attention weights `(batch, Tq, Tv)`, both graph tensors a model may return.
  public func callWithScores(_ inputs: [SymbolicTensor], useCausalMask: Bool = false) throws
    -> (output: SymbolicTensor, scores: SymbolicTensor)
  {
    var options: [String: ConfigValue] = ["return_attention_scores": true]
    if useCausalMask { options["use_causal_mask"] = true }
    let made = try scoredCall(inputs, options: options)
    return (made[0], made[1])
  }

  /// The two-output graph call of `return_attention_scores=True` (`options` holds it).
  func scoredCall(_ inputs: [SymbolicTensor], options: [String: ConfigValue]) throws
    -> [SymbolicTensor]
  {
    try checkCallOptions(options)
    let shapes = inputs.map(\.shape)
    try buildIfNeeded(shapes)
    let (query, _, key) = try checkedShapes(shapes)
    let call = LayerCall(layer: self, inputs: inputs, options: options, outputCount: 2)
    let dtype = inputs[0].dtype
    return [
      SymbolicTensor(shape: try computeOutputShape(shapes), dtype: dtype, producer: call),
      SymbolicTensor(
        shape: Shape(query.dims.dropLast() + [key[key.rank - 2]]), dtype: dtype, producer: call,
        outputIndex: 1),
    ]
  }
}

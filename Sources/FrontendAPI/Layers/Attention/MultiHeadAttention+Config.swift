extension MultiHeadAttention {
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireDefault(
      "use_gate", false, reason: "Plexus's MultiHeadAttention has no gated output")
    try config.requireDefault(
      "sliding_window", .null, reason: "Plexus's MultiHeadAttention has no sliding-window mask")
    try config.requireDefault(
      "seed", .null, reason: "Plexus's attention dropout draws from the global seeded stream")
    func sizes(_ key: String) throws -> [Int]? {
      guard let raw = config.value(key), !raw.isNull else { return nil }
      let entries = raw.arrayValue ?? [raw]
      let values = entries.compactMap(\.intValue)
      guard values.count == entries.count else {
        throw config.mismatch(key, "null, an integer or a list of integers")
      }
      return values
    }
    let layer = try MultiHeadAttention(
      try config.int("num_heads"), keyDim: try config.int("key_dim"),
      valueDim: try config.optionalInt("value_dim"),
      dropout: try config.double("dropout", default: 0),
      useBias: try config.bool("use_bias", default: true), outputShape: try sizes("output_shape"),
      attentionAxes: try sizes("attention_axes"),
      kernelInitializer: try config.initializer("kernel_initializer", default: .glorotUniform),
      biasInitializer: try config.initializer("bias_initializer", default: .zeros),
      kernelRegularizer: try config.regularizer("kernel_regularizer"),
      biasRegularizer: try config.regularizer("bias_regularizer"),
      activityRegularizer: try config.regularizer("activity_regularizer"),
      kernelConstraint: try config.constraint("kernel_constraint"),
      biasConstraint: try config.constraint("bias_constraint"), name: settings.name)
    return try settings.finish(config, layer)
  }
}

extension MultiHeadAttention: KerasCallSignature {
  static let tensorArguments = ["query", "value", "key"]
  static let keywordTensorArguments = ["attention_mask"]

  /// `use_causal_mask` and `return_attention_scores` (booleans; with the scores the node makes
  /// two tensors, ``callWithScores(query:value:key:useCausalMask:)``).
  func checkCallOptions(_ options: [String: ConfigValue]) throws {
    for (key, value) in options {
      switch key {
      case "use_causal_mask" where value.boolValue != nil: continue
      case "return_attention_scores" where value.boolValue != nil: continue
      default:
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "call option \(key)=\(value) is not supported in a Functional model; "
            + "supported: use_causal_mask and return_attention_scores (true or false), and "
            + "attention_mask (a tensor)")
      }
    }
  }

  func call(
    _ inputs: [Tensor], named: [String: Tensor], options: [String: ConfigValue], training: Bool
  ) throws -> Tensor {
    try checkCallOptions(options)
    try checkKeywordTensors(Array(named.keys))
    guard options["return_attention_scores"]?.boolValue != true else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "return_attention_scores makes the output and the scores; use "
          + "callWithScores(query:value:key:useCausalMask:)")
    }
    return try attend(
      inputs, attentionMask: named["attention_mask"],
      useCausalMask: options["use_causal_mask"]?.boolValue ?? false, training: training
    ).output
  }
}

/// Multi-head dot-product attention, as in "Attention Is All You Need":
/// `softmax(Q·Kᵀ / √keyDim + mask) · V` per head, the heads' results projected back.
///
/// ```swift
/// let attention = try MultiHeadAttention(4, keyDim: 16)
/// let y = try attention(query: x, value: x, useCausalMask: true)  // self-attention
/// let (out, scores) = try attention.callWithScores(query: x, value: context)
/// ```
/// `query` is `(batch, targetSteps, queryDim)`, `value` `(batch, sourceSteps, valueFeatures)` and
/// `key` (default: `value`) `(batch, sourceSteps, keyFeatures)`; the output is `(batch,
/// targetSteps, outputShape ?? queryDim)` and the scores `(batch, heads, targetSteps,
/// sourceSteps)`. `attentionMask` (`(batch, targetSteps, sourceSteps)`, true or nonzero where a
/// query step may attend) and `useCausalMask` (step `t` sees steps `≤ t`) are combined; masked
/// scores become -1e9 before the softmax and 0 after it, as Keras does.
///
/// The four projections are Keras's `EinsumDense` sublayers with Keras's kernel shapes (query,
/// key and value `(features, heads, keyDim or valueDim)`, output `(heads, valueDim, outDim)`), at
/// Keras's weight paths, so `.keras` files load unchanged. In a Functional model the layer takes
/// `[query, value]` or `[query, value, key]`. Equivalent to
/// `keras.layers.MultiHeadAttention`, `attention_axes` over inputs of higher rank too: there
/// `attentionMask` is laid out as the scores without the heads, `(batch, other axes…, query
/// axes…, key axes…)`, and the causal mask and the inputs' own masks (which Keras shapes for
/// sequences) are refused.
public final class MultiHeadAttention: Layer {
  /// The output keeps the query's mask, as Keras's.
  public override var supportsMasking: Bool { true }

  /// The attention heads.
  public let numHeads: Int
  /// The size of each head's query and key.
  public let keyDim: Int
  /// The size of each head's value (`keyDim` unless given).
  public let valueDim: Int
  /// The dropout rate on the attention probabilities, in training.
  public let dropout: Double
  /// Whether the projections add biases.
  public let useBias: Bool
  /// The output's trailing axes (nil: the query's last axis).
  public let outputShape: [Int]?
  /// The axes attention runs over, as given (nil: every axis between the batch and the
  /// features: the sequence axis of rank-3 inputs).
  public let attentionAxes: [Int]?
  /// ``attentionAxes`` resolved for the inputs the layer was built for (Keras's config then
  /// holds these).
  private(set) var resolvedAttentionAxes: [Int]?
  /// How the four projections' kernels start.
  public let kernelInitializer: Initializer
  /// How their biases start.
  public let biasInitializer: Initializer
  /// The penalty on each projection's kernel, if any.
  public let kernelRegularizer: (any Regularizer)?
  /// The penalty on each projection's bias, if any.
  public let biasRegularizer: (any Regularizer)?
  /// The penalty on each projection's output, if any.
  public let activityRegularizer: (any Regularizer)?
  /// The projection of each kernel after every update, if any.
  public let kernelConstraint: (any Constraint)?
  /// The projection of each bias after every update, if any.
  public let biasConstraint: (any Constraint)?

  // Declared in Keras's tracking order (query, key, value, output): the optimizer's slots
  // follow it.
  private var queryDense: AttentionProjection?
  private var keyDense: AttentionProjection?
  private var valueDense: AttentionProjection?
  private var outputDense: AttentionProjection?
  /// Keras's `_softmax` and `_dropout_layer`, which hold no weights but have groups in a
  /// `.keras` file.
  private let softmax: Softmax
  private let dropoutLayer: Dropout

  /// The input shapes the layer was built for, batch axis -1.
  private(set) var builtInputShapes: [Shape]?

  /// The settings the four projections share.
  struct WeightSettings {
    let useBias: Bool
    let kernelInitializer: Initializer
    let biasInitializer: Initializer
    let kernelRegularizer: (any Regularizer)?
    let biasRegularizer: (any Regularizer)?
    let activityRegularizer: (any Regularizer)?
    let kernelConstraint: (any Constraint)?
    let biasConstraint: (any Constraint)?
  }

  /// Creates the layer; the projections are made at the first call. Throws for sizes that are
  /// not positive, a dropout rate outside [0, 1) or attention axes other than the sequence's.
  public init(
    _ numHeads: Int, keyDim: Int, valueDim: Int? = nil, dropout: Double = 0,
    useBias: Bool = true, outputShape: [Int]? = nil, attentionAxes: [Int]? = nil,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
    activityRegularizer: (any Regularizer)? = nil, kernelConstraint: (any Constraint)? = nil,
    biasConstraint: (any Constraint)? = nil, name: String? = nil
  ) throws {
    self.numHeads = numHeads
    self.keyDim = keyDim
    self.valueDim = valueDim ?? keyDim
    self.dropout = dropout
    self.useBias = useBias
    self.outputShape = outputShape
    self.attentionAxes = attentionAxes
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    self.kernelRegularizer = kernelRegularizer
    self.biasRegularizer = biasRegularizer
    self.activityRegularizer = activityRegularizer
    self.kernelConstraint = kernelConstraint
    self.biasConstraint = biasConstraint
    self.softmax = Softmax(name: "softmax")
    self.dropoutLayer = Dropout(Dropout.validRates.contains(dropout) ? dropout : 0, name: "dropout")
    super.init(name: name)
    for (label, size) in [
      ("num_heads", numHeads), ("key_dim", keyDim), ("value_dim", self.valueDim),
    ]
    where size <= 0 {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "\(label) must be a positive integer, received \(size)")
    }
    guard Dropout.validRates.contains(dropout) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "dropout must be in [0, 1), received \(dropout)")
    }
    if let outputShape, outputShape.isEmpty || outputShape.contains(where: { $0 <= 0 }) {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "output_shape must be positive sizes, received \(outputShape)")
    }
    if let attentionAxes, attentionAxes.isEmpty {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "attention_axes must name an axis, or be nil")
    }
  }

  var weightSettings: WeightSettings {
    WeightSettings(
      useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
      activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint)
  }

  public override func build(inputShapes: [Shape]) throws {
    guard (2...3).contains(inputShapes.count) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "takes [query, value] or [query, value, key], received \(inputShapes.count) "
          + "input(s)")
    }
    // Inputs of rank > 3 attend over their `attention_axes` as over sequences of those axes.
    let axes = try resolveAttentionAxes(rank: inputShapes[0].rank)
    let sequences =
      inputShapes[0].rank > 3 ? try flattenedShapes(inputShapes, axes: axes) : inputShapes
    let (query, value) = (sequences[0], sequences[1])
    let key = sequences.count == 3 ? sequences[2] : value
    for (label, shape) in [("query", query), ("value", value), ("key", key)]
    where shape.rank != 3 || shape[2] <= 0 {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) \(label)",
        expected: "rank 3 with a known last axis, (batch, steps, features)", received: "\(shape)")
    }
    guard value[1] == key[1] else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "key with value's steps, (batch, \(value[1]), _)",
        received: "value \(value), key \(key)")
    }
    let settings = weightSettings
    let queryDense = AttentionProjection(
      boundAxes: 1, outputDims: [numHeads, keyDim], settings: settings, name: "query")
    let keyDense = AttentionProjection(
      boundAxes: 1, outputDims: [numHeads, keyDim], settings: settings, name: "key")
    let valueDense = AttentionProjection(
      boundAxes: 1, outputDims: [numHeads, valueDim], settings: settings, name: "value")
    let outputDense = AttentionProjection(
      boundAxes: 2, outputDims: outputShape ?? [query[2]], settings: settings,
      name: "attention_output")
    try queryDense.buildIfNeeded([query])
    try keyDense.buildIfNeeded([key])
    try valueDense.buildIfNeeded([value])
    try outputDense.buildIfNeeded([Shape([query[0], query[1], numHeads, valueDim])])
    (self.queryDense, self.keyDense, self.valueDense, self.outputDense) =
      (queryDense, keyDense, valueDense, outputDense)
    builtInputShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) }
    resolvedAttentionAxes = axes
  }

  public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    try call(inputs, named: [:], options: [:], training: training)
  }

  /// Attends from `query` to `value` (and `key`, default `value`), building the layer first
  /// when needed. Equivalent to Keras's `mha(query, value, key, attention_mask=...,
  /// use_causal_mask=...)`.
  public func callAsFunction(
    query: Tensor, value: Tensor, key: Tensor? = nil, attentionMask: Tensor? = nil,
    useCausalMask: Bool = false, training: Bool = false
  ) throws -> Tensor {
    let inputs = [query, value] + (key.map { [$0] } ?? [])
    try prepare(inputs)
    return try autocasting(inputs) { cast in
      [
        try attend(
          cast, attentionMask: attentionMask, useCausalMask: useCausalMask, training: training,
          returnsScores: false
        ).output.withMask(query.mask)
      ]
    }[0]
  }

  /// The output and the attention probabilities `(batch, heads, targetSteps, sourceSteps)`,
  /// which Keras returns with `return_attention_scores=True`.
  public func callWithScores(
    query: Tensor, value: Tensor, key: Tensor? = nil, attentionMask: Tensor? = nil,
    useCausalMask: Bool = false, training: Bool = false
  ) throws -> (output: Tensor, scores: Tensor) {
    let inputs = [query, value] + (key.map { [$0] } ?? [])
    try prepare(inputs)
    let made = try autocasting(inputs) { cast in
      let (output, scores) = try attend(
        cast, attentionMask: attentionMask, useCausalMask: useCausalMask, training: training,
        returnsScores: true)
      return [output.withMask(query.mask), scores]
    }
    return (made[0], made[1])
  }

  /// Applies the layer symbolically in a Functional model; `attentionMask` (a graph tensor:
  /// boolean, or numbers where non-zero attends) and `useCausalMask` are recorded with the
  /// call, as Keras records them.
  public func callAsFunction(
    query: SymbolicTensor, value: SymbolicTensor, key: SymbolicTensor? = nil,
    attentionMask: SymbolicTensor? = nil, useCausalMask: Bool = false
  ) throws -> SymbolicTensor {
    try symbolicCall(
      [query, value] + (key.map { [$0] } ?? []),
      options: useCausalMask ? ["use_causal_mask": true] : [:],
      named: attentionMask.map { [("attention_mask", $0)] } ?? [])
  }

  /// Applies the layer symbolically with Keras's `return_attention_scores=True`: the output
  /// and the attention probabilities `(batch, heads, targetSteps, sourceSteps)`, both graph
  /// tensors a model may return.
  public func callWithScores(
    query: SymbolicTensor, value: SymbolicTensor, key: SymbolicTensor? = nil,
    attentionMask: SymbolicTensor? = nil, useCausalMask: Bool = false
  ) throws -> (output: SymbolicTensor, scores: SymbolicTensor) {
    var options: [String: ConfigValue] = ["return_attention_scores": true]
    if useCausalMask { options["use_causal_mask"] = true }
    let made = try scoredCall(
      [query, value] + (key.map { [$0] } ?? []), options: options,
      named: attentionMask.map { [("attention_mask", $0)] } ?? [])
    return (made[0], made[1])
  }

  /// The two-output graph call of `return_attention_scores=True` (`options` holds it), with
  /// the tensors passed by keyword (`named`).
  func scoredCall(
    _ inputs: [SymbolicTensor], options: [String: ConfigValue],
    named: [(name: String, tensor: SymbolicTensor)] = []
  ) throws -> [SymbolicTensor] {
    try checkCallOptions(options)
    try checkKeywordTensors(named.map(\.name))
    let shapes = inputs.map(\.shape)
    try buildIfNeeded(shapes)
    guard shapes.count >= 2, shapes[0].rank >= 3, shapes[1].rank == shapes[0].rank else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "query and value of one rank ≥ 3, (batch, steps…, features)",
        received: "\(shapes)")
    }
    let call = LayerCall(
      layer: self, inputs: inputs + named.map(\.tensor), options: options, outputCount: 2,
      keywordInputs: named.map(\.name))
    let dtype = inputs[0].dtype
    return [
      SymbolicTensor(shape: try computeOutputShape(shapes), dtype: dtype, producer: call),
      SymbolicTensor(
        shape: try scoresShape(shapes), dtype: dtype, producer: call, outputIndex: 1),
    ]
  }

  /// A graph call made by ``callWithScores(query:value:key:useCausalMask:)``: the output,
  /// then the scores.
  override func applyCall(_ call: LayerCall, _ inputs: [Tensor], training: Bool) throws
    -> [Tensor]
  {
    let (positional, named) = try splitKeywordTensors(inputs, call.keywordInputs)
    guard positional.count >= 2 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "needs a query and a value")
    }
    let (output, scores) = try callWithScores(
      query: positional[0], value: positional[1], key: positional.count > 2 ? positional[2] : nil,
      attentionMask: named["attention_mask"],
      useCausalMask: call.options["use_causal_mask"]?.boolValue ?? false, training: training)
    return [output, scores]
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let query = inputShapes.first, query.rank >= 1 else { return [] }
    return Shape(query.dims.dropLast() + (outputShape ?? [query[query.rank - 1]]))
  }

  /// Keras's MultiHeadAttention config. `attention_axes` is written as Keras writes it: as
  /// given until the layer is built, then resolved (`[1]` for sequences); `use_gate`,
  /// `sliding_window` and `seed` hold Keras's defaults, which Plexus supports only.
  public override var config: [String: ConfigValue] {
    var axes: ConfigValue = attentionAxes.map { .ints($0) } ?? .null
    if built, let resolvedAttentionAxes { axes = .ints(resolvedAttentionAxes) }
    return super.config.merging([
      "num_heads": .int(numHeads), "key_dim": .int(keyDim), "value_dim": .int(valueDim),
      "dropout": .double(dropout), "use_bias": .bool(useBias), "use_gate": false,
      "output_shape": outputShape.map { .ints($0) } ?? .null, "attention_axes": axes,
      "sliding_window": .null,
      "kernel_initializer": kernelInitializer.serialized.value,
      "bias_initializer": biasInitializer.serialized.value,
      "kernel_regularizer": .optional(kernelRegularizer?.serialized.value),
      "bias_regularizer": .optional(biasRegularizer?.serialized.value),
      "activity_regularizer": .optional(activityRegularizer?.serialized.value),
      "kernel_constraint": .optional(kernelConstraint?.serialized.value),
      "bias_constraint": .optional(biasConstraint?.serialized.value),
      "seed": .null,
    ]) { $1 }
  }

  /// The projections, the masked softmax and the output projection. A query whose every step
  /// is masked gets uniform weights, as in Keras's default path (`dot_product_attention`),
  /// except when the scores are returned or dropout applies, where Keras's explicit path zeros
  /// them.
  func attend(
    _ inputs: [Tensor], attentionMask: Tensor?, useCausalMask: Bool, training: Bool,
    returnsScores: Bool = false
  ) throws -> (output: Tensor, scores: Tensor) {
    guard let queryDense, let keyDense, let valueDense, let outputDense else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    guard (2...3).contains(inputs.count) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "takes [query, value] or [query, value, key], received \(inputs.count) input(s)")
    }
    if inputs[0].rank > 3 {
      return try attendOverAxes(
        inputs, attentionMask: attentionMask, useCausalMask: useCausalMask, training: training,
        returnsScores: returnsScores)
    }
    let (query, value) = (inputs[0], inputs[1])
    let key = inputs.count == 3 ? inputs[2] : value
    try checkShapes(query, value, key)
    // Keras's automatic masks: the query's, value's and (given) key's masks (from an
    // Embedding with `maskZero`, a Masking layer) join the attention and causal masks.
    let mask = try combinedMask(
      attentionMask, useCausalMask: useCausalMask, batch: query.shape[0],
      targetSteps: query.shape[1], sourceSteps: value.shape[1],
      inputMasks: (query.mask, value.mask, inputs.count == 3 ? inputs[2].mask : nil))
    let scale = try Tensor.scalar(1 / Double(keyDim).squareRoot(), dtype: query.dtype)
    // (batch, steps, heads, size) → (batch, heads, steps, size)
    let projectedQuery = try Ops.transpose(
      Ops.multiply(queryDense(query), scale), permutation: [0, 2, 1, 3])
    let projectedKey = try Ops.transpose(keyDense(key), permutation: [0, 2, 3, 1])
    let projectedValue = try Ops.transpose(valueDense(value), permutation: [0, 2, 1, 3])
    let logits = try Ops.matmul(projectedQuery, projectedKey)
    let scores = try maskedSoftmax(
      logits, mask, zeroingMaskedRows: returnsScores || (dropout > 0 && training))
    var probabilities = scores
    if dropout > 0, training { probabilities = try dropoutLayer(scores, training: true) }
    let context = try Ops.transpose(
      Ops.matmul(probabilities, projectedValue), permutation: [0, 2, 1, 3])
    return (try outputDense(context), scores)
  }

  private func checkShapes(_ query: Tensor, _ value: Tensor, _ key: Tensor) throws {
    for (label, tensor) in [("query", query), ("value", value), ("key", key)]
    where tensor.rank != 3 || tensor.shape[0] != query.shape[0] {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) \(label)",
        expected: "rank 3, (batch of the query \(query.shape), steps, features)",
        received: "\(tensor.shape)")
    }
    guard value.shape[1] == key.shape[1] else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "key with value's steps, (batch, \(value.shape[1]), _)",
        received: "value \(value.shape), key \(key.shape)")
    }
  }

  /// The attention mask, the causal mask and the inputs' masks (query `(batch, target)`,
  /// value and key `(batch, source)`), combined into one boolean mask of shape
  /// `(batch or 1, targetSteps, sourceSteps)`; nil when none is given.
  private func combinedMask(
    _ attentionMask: Tensor?, useCausalMask: Bool, batch: Int, targetSteps: Int,
    sourceSteps: Int, inputMasks: (query: Tensor?, value: Tensor?, key: Tensor?)
  ) throws -> Tensor? {
    var mask: Tensor?
    func join(_ next: Tensor) throws {
      mask = try mask.map { try Ops.logicalAnd($0, next) } ?? next
    }
    for (label, input, steps, axis) in [
      ("query", inputMasks.query, targetSteps, 2), ("value", inputMasks.value, sourceSteps, 1),
      ("key", inputMasks.key, sourceSteps, 1),
    ] {
      guard let input else { continue }
      guard input.shape == [batch, steps] else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity) \(label) mask", expected: "(\(batch), \(steps))",
          received: "\(input.shape)")
      }
      try join(Ops.expandDims(Ops.cast(input, to: .bool), axis: axis))
    }
    if let attentionMask {
      let expected = [batch, targetSteps, sourceSteps]
      let dims = attentionMask.shape.dims
      let fits =
        (2...3).contains(dims.count)
        && zip(dims.reversed(), expected.reversed()).allSatisfy { $0 == $1 || $0 == 1 }
      guard fits else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity) attention_mask",
          expected: "(\(batch), \(targetSteps), \(sourceSteps)) or broadcastable to it",
          received: "\(attentionMask.shape)")
      }
      let boolean =
        attentionMask.dtype == .bool
        ? attentionMask
        : try Ops.notEqual(attentionMask, Tensor.scalar(0, dtype: attentionMask.dtype))
      try join(Ops.reshape(boolean, Shape(Array(repeating: 1, count: 3 - dims.count) + dims)))
    }
    if useCausalMask {
      let rows = try Ops.reshape(Ops.arange(targetSteps), [1, targetSteps, 1])
      let columns = try Ops.reshape(Ops.arange(sourceSteps), [1, 1, sourceSteps])
      let causal = try Ops.greaterEqual(rows, columns)
      mask = try mask.map { try Ops.logicalAnd($0, causal) } ?? causal
    }
    return mask
  }

  /// Keras's masked softmax over the source steps: masked logits become -1e9 before it; with
  /// `zeroingMaskedRows`, masked probabilities 0 after it (so a row with every step masked is
  /// all zeros, not uniform).
  private func maskedSoftmax(_ logits: Tensor, _ mask: Tensor?, zeroingMaskedRows: Bool) throws
    -> Tensor
  {
    guard let mask else { return try softmax(logits) }
    // As 0/1 numbers over the heads' axis: kept logits pass unchanged (x·1 + 0), masked ones
    // become exactly -1e9 (x·0 - 1e9), the same values as Keras's `where`.
    let kept = try Ops.cast(Ops.expandDims(mask, axis: 1), to: logits.dtype)
    let dropped = try Ops.subtract(Tensor.scalar(1, dtype: logits.dtype), kept)
    let filled = try Ops.add(
      Ops.multiply(logits, kept), Ops.multiply(dropped, Tensor.scalar(-1e9, dtype: logits.dtype)))
    let probabilities = try softmax(filled)
    return zeroingMaskedRows ? try Ops.multiply(probabilities, kept) : probabilities
  }
}

extension MultiHeadAttention: MultiInputLayer {}

extension MultiHeadAttention: KerasAttributeNaming {
  /// Keras saves the projections at its public properties' names (`query_dense`, ...), which
  /// sort before the private `_dropout_layer` and `_softmax`.
  static let kerasAttributeNames = [
    "queryDense": "query_dense", "keyDense": "key_dense", "valueDense": "value_dense",
    "outputDense": "output_dense", "softmax": "_softmax", "dropoutLayer": "_dropout_layer",
  ]
}

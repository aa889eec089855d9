/// Dot-product (Luong-style) attention: `softmax(scores(query, key)) · value`, with
/// `scores = query · keyᵀ` (times a trainable scalar when `useScale`) or, in the `concat` mode,
/// `Σ tanh(query + key)` over the features (times a trainable scalar).
///
/// ```swift
/// let attention = try Attention()
/// let context = try attention([query, value])                 // (b, Tq, dim), (b, Tv, dim)
/// let causal = try attention([x, x], useCausalMask: true)     // step t sees steps ≤ t
/// let (out, weights) = try attention.callWithScores([query, value, key])
/// ```
/// The inputs are `[query, value]` or `[query, value, key]` (key defaults to value), each
/// `(batch, steps, dim)`; the output is `(batch, Tq, value's dim)` and the scores `(batch, Tq,
/// Tv)`. The value's mask (from an `Embedding` with `maskZero`, a `Masking` layer, or `masks`)
/// keeps masked steps out of the softmax (their scores lowered by 1e9, as Keras does), the
/// query's mask zeroes the output at masked query steps and passes on as the output's mask, and
/// the causal mask lets step `t` attend to steps `≤ t`. `dropout` drops attention weights while
/// training. Equivalent to `keras.layers.Attention`.
public class Attention: Layer {
  /// How ``Attention`` scores a query step against a key step.
  public enum ScoreMode: String, Sendable, CaseIterable {
    /// `query · key`.
    case dot
    /// `Σ tanh(query + key)` over the features.
    case concat
  }

  /// The output keeps the query's mask, as Keras's.
  public override var supportsMasking: Bool { true }

  /// Whether the scores are multiplied by the trainable ``scale``.
  public let useScale: Bool
  /// How scores are computed (always `dot` for ``AdditiveAttention``, which scores its own way).
  public let scoreMode: ScoreMode
  /// The fraction of attention weights dropped while training.
  public let dropout: Double
  /// The seed of the dropout's own stream, if any.
  public var seed: Int? { stream.seed }
  let stream: SeedStream

  /// The scale of the scores (a scalar here; one per feature in ``AdditiveAttention``), once
  /// built, when ``useScale``.
  public internal(set) var scale: Variable?
  /// The `concat` mode's trainable factor of the scores, once built.
  public private(set) var concatScoreWeight: Variable?

  /// The input shapes the layer was built for, batch axis -1.
  private(set) var builtInputShapes: [Shape]?

  /// Creates the layer (Keras's defaults: no scale, dot-product scores, no dropout). Throws for
  /// a dropout rate outside [0, 1).
  public convenience init(
    useScale: Bool = false, scoreMode: ScoreMode = .dot, dropout: Double = 0, seed: Int? = nil,
    name: String? = nil
  ) throws {
    try self.init(
      scaling: useScale, scoreMode: scoreMode, dropout: dropout, seed: seed, name: name)
  }

  /// The initializer ``AdditiveAttention`` shares.
  init(scaling: Bool, scoreMode: ScoreMode, dropout: Double, seed: Int?, name: String?) throws {
    self.useScale = scaling
    self.scoreMode = scoreMode
    self.dropout = dropout
    self.stream = SeedStream(seed)
    super.init(name: name)
    guard Dropout.validRates.contains(dropout) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "dropout must be in [0, 1), received \(dropout)")
    }
  }

  public override func build(inputShapes: [Shape]) throws {
    let (query, _, _) = try checkedShapes(inputShapes)
    if useScale { scale = try makeScale(featureCount: query[query.rank - 1]) }
    if scoreMode == .concat {
      concatScoreWeight = try addWeight(
        name: "concat_score_weight", shape: [], initializer: .ones)
    }
    builtInputShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) }
  }

  /// The scale weight: a scalar starting at 1 (``AdditiveAttention``: one per feature).
  func makeScale(featureCount: Int) throws -> Variable {
    try addWeight(name: "scale", shape: [], initializer: .ones)
  }

  /// Query, value and key shapes (the key is the value's when not given), checked: each of one
  /// rank ≥ 3, the key with the value's steps and the query's features.
  func checkedShapes(_ shapes: [Shape]) throws -> (Shape, Shape, Shape) {
    guard (2...3).contains(shapes.count) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "takes [query, value] or [query, value, key], received \(shapes.count) "
          + "input(s)")
    }
    let (query, value) = (shapes[0], shapes[1])
    let key = shapes.count == 3 ? shapes[2] : value
    for (label, shape) in [("query", query), ("value", value), ("key", key)]
    where shape.rank < 3 || shape.rank != query.rank {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) \(label)",
        expected: "rank ≥ 3, (batch, steps, features), as the query \(query)",
        received: "\(shape)")
    }
    let last = query.rank - 1
    guard value[last - 1] == key[last - 1] || value[last - 1] < 0 || key[last - 1] < 0,
      query[last] == key[last] || query[last] < 0 || key[last] < 0
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "a key with the value's steps and the query's features",
        received: "query \(query), value \(value), key \(key)")
    }
    return (query, value, key)
  }

  public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    try call(inputs, options: [:], training: training)
  }

  /// Attends from `inputs[0]` (the query) to `inputs[1]` (the value; `inputs[2]` the key),
  /// building the layer first when needed. `masks` (`[queryMask, valueMask]`, either nil)
  /// replaces the inputs' own masks, as Keras's `mask=` argument does. Equivalent to Keras's
  /// `attention([query, value], mask=..., use_causal_mask=...)`.
  public func callAsFunction(
    _ inputs: [Tensor], masks: [Tensor?]? = nil, useCausalMask: Bool, training: Bool = false
  ) throws -> Tensor {
    try callWithScores(inputs, masks: masks, useCausalMask: useCausalMask, training: training)
      .output
  }

  /// A graph call made by ``callWithScores(_:useCausalMask:)``: the output, then the scores.
  override func applyCall(_ call: LayerCall, _ inputs: [Tensor], training: Bool) throws
    -> [Tensor]
  {
    let (output, scores) = try callWithScores(
      inputs, useCausalMask: call.options["use_causal_mask"]?.boolValue ?? false,
      training: training)
    return [output, scores]
  }

  /// The output and the attention weights `(batch, Tq, Tv)` (after dropout), which Keras
  /// returns with `return_attention_scores=True`.
  public func callWithScores(
    _ inputs: [Tensor], masks: [Tensor?]? = nil, useCausalMask: Bool = false,
    training: Bool = false
  ) throws -> (output: Tensor, scores: Tensor) {
    let given = try givenMasks(masks, inputs)
    try prepare(inputs)
    let made = try autocasting(inputs) { cast in
      let (output, scores) = try attend(
        cast, masks: given, useCausalMask: useCausalMask, training: training)
      return [output.withMask(given.query), scores]
    }
    return (made[0], made[1])
  }

  /// The query's and value's masks: `masks` when given (two or three entries, as Keras takes;
  /// a key's mask is not read), else the inputs' own.
  private func givenMasks(_ masks: [Tensor?]?, _ inputs: [Tensor]) throws -> (
    query: Tensor?, value: Tensor?
  ) {
    guard let masks else {
      return (inputs.first?.mask, inputs.count > 1 ? inputs[1].mask : nil)
    }
    guard (2...3).contains(masks.count) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "masks must be [queryMask, valueMask] (or with a key's), received "
          + "\(masks.count) entries")
    }
    return (masks[0], masks[1])
  }

  /// The scores `(batch, Tq, Tv)` of every query step against every key step.
  func scores(query: Tensor, key: Tensor) throws -> Tensor {
    switch scoreMode {
    case .dot:
      let product = try Ops.matmul(query, key, transposeB: true)
      return try scale.map { try Ops.multiply(product, weightValue($0, like: product)) } ?? product
    case .concat:
      var sum = try Ops.add(Ops.expandDims(query, axis: -2), Ops.expandDims(key, axis: -3))
      if let scale { sum = try Ops.multiply(weightValue(scale, like: sum), sum) }
      let total = try Ops.sum(Ops.tanh(sum), axes: [-1])
      guard let concatScoreWeight else { return total }
      return try Ops.multiply(weightValue(concatScoreWeight, like: total), total)
    }
  }

  /// A weight's value in `x`'s dtype (bfloat16 under a mixed policy).
  func weightValue(_ variable: Variable, like x: Tensor) throws -> Tensor {
    variable.value.dtype == x.dtype ? variable.value : try Ops.cast(variable.value, to: x.dtype)
  }

  /// Keras's `call`: the scores, the value's and causal masks, the softmax, dropout, the
  /// weighted sum of the values, and the query's mask.
  func attend(
    _ inputs: [Tensor], masks: (query: Tensor?, value: Tensor?), useCausalMask: Bool,
    training: Bool
  ) throws -> (output: Tensor, scores: Tensor) {
    let (queryShape, valueShape, _) = try checkedShapes(inputs.map(\.shape))
    let (query, value) = (inputs[0], inputs[1])
    let key = inputs.count == 3 ? inputs[2] : value
    guard query.shape[0] == value.shape[0], key.shape[0] == value.shape[0] else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one batch size",
        received: "query \(queryShape), value \(valueShape), key \(key.shape)")
    }
    var scores = try scores(query: query, key: key)
    let steps = (target: query.shape[query.rank - 2], source: key.shape[key.rank - 2])
    var mask: Tensor?
    if let valueMask = masks.value {
      mask = try Ops.expandDims(Ops.cast(valueMask, to: .bool), axis: -2)
      // As Keras's `where`: any mask that broadcasts to the scores without growing them.
      guard let mask, Shape.broadcast(mask.shape, scores.shape) == scores.shape else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity) value mask",
          expected: "\(Shape(value.shape.dims.dropLast())) or broadcastable to it",
          received: "\(valueMask.shape)")
      }
    }
    if useCausalMask {
      let rows = try Ops.reshape(Ops.arange(steps.target), [steps.target, 1])
      let columns = try Ops.reshape(Ops.arange(steps.source), [1, steps.source])
      let causal = try Ops.greaterEqual(rows, columns)
      mask = try mask.map { try Ops.logicalAnd($0, causal) } ?? causal
    }
    if let mask {
      let lowered = try Ops.subtract(scores, Tensor.scalar(1e9, dtype: scores.dtype))
      scores = try Ops.where(mask, scores, lowered)
    }
    var weights = try Ops.softmax(scores, axis: -1)
    if training, dropout > 0 {
      weights = try droppingSlices(
        weights, rate: dropout, noiseShape: weights.shape, stream: stream)
    }
    var output = try Ops.matmul(weights, value)
    if let queryMask = masks.query {
      let keep = try Ops.expandDims(Ops.cast(queryMask, to: .bool), axis: -1)
      guard Shape.broadcast(keep.shape, output.shape) == output.shape else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity) query mask",
          expected: "\(Shape(query.shape.dims.dropLast())) or broadcastable to it",
          received: "\(queryMask.shape)")
      }
      output = try Ops.where(keep, output, Tensor.scalar(0, dtype: output.dtype))
    }
    return (output, weights)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard inputShapes.count >= 2, let query = inputShapes.first, query.rank >= 1,
      let value = inputShapes[1].dims.last
    else { return [] }
    return Shape(query.dims.dropLast() + [value])
  }

  /// Keras's Attention config.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "use_scale": .bool(useScale), "score_mode": .string(scoreMode.rawValue),
      "dropout": .double(dropout), "seed": .optional(seed.map(ConfigValue.int)),
    ]) { $1 }
  }
}

extension Attention: MultiInputLayer {}

/// Turns integer ids into dense vectors: `output[..., :] = embeddings[id, :]`.
///
/// ```swift
/// let layer = Embedding(10_000, 64, maskZero: true)
/// let y = try layer(ids)   // ids: (batch, steps), int32 → y: (batch, steps, 64)
/// ```
/// Input: ids of any shape, `int32` or `int64` (floating-point ids are truncated to `int32`, as
/// Keras casts them); output: the input's shape plus `outputDim`. The embeddings are
/// `(inputDim, outputDim)`. An id outside `0..<inputDim` is an error naming the layer and the
/// id. The lookup is one gather in a backend kernel and its gradient one scatter-add of the
/// upstream rows, so the cost is one row copy per id either way.
///
/// With `maskZero`, id 0 is padding: ``computeMask(_:)`` returns `ids != 0` for consumers that
/// honour masks (see ``MaskProducer``), and `inputDim` should count the padding id.
/// Equivalent to `keras.layers.Embedding`.
public final class Embedding: Layer {
  override var producesMasks: Bool { maskZero }

  /// Its inputs are ids, never cast to the compute dtype.
  override var castsInputs: Bool { false }

  /// Under a bfloat16 policy the rows are gathered from the float32 table and the output is
  /// cast once. A gather is exact, so the output equals Keras's (which casts the whole table
  /// first, then gathers), at the cost of casting one row per id instead of the table and back;
  /// and the table's gradient is summed in float32, not rounded to bfloat16 on the way.
  override var computesInFloat32: Bool { true }

  /// The number of ids, `0..<inputDim`.
  public let inputDim: Int
  /// The length of each vector.
  public let outputDim: Int
  /// How the embeddings start.
  public let embeddingsInitializer: Initializer
  /// The penalty on the embeddings, if any.
  public let embeddingsRegularizer: (any Regularizer)?
  /// The penalty on the layer's output (divided by the batch size, as Keras does), if any.
  public let activityRegularizer: (any Regularizer)?
  /// The projection applied to the embeddings after each update, if any.
  public let embeddingsConstraint: (any Constraint)?
  /// Whether id 0 is padding that ``computeMask(_:)`` masks.
  public let maskZero: Bool
  /// The activity penalty of the latest call.
  private let activityLoss = LossSlot()

  /// The `(inputDim, outputDim)` table, once built.
  public private(set) var embeddings: Variable?

  /// Creates the layer; the table is made at the first call.
  public init(
    _ inputDim: Int, _ outputDim: Int, embeddingsInitializer: Initializer = .randomUniform(),
    embeddingsRegularizer: (any Regularizer)? = nil, activityRegularizer: (any Regularizer)? = nil,
    embeddingsConstraint: (any Constraint)? = nil, maskZero: Bool = false, name: String? = nil
  ) {
    self.inputDim = inputDim
    self.outputDim = outputDim
    self.embeddingsInitializer = embeddingsInitializer
    self.embeddingsRegularizer = embeddingsRegularizer
    self.activityRegularizer = activityRegularizer
    self.embeddingsConstraint = embeddingsConstraint
    self.maskZero = maskZero
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    for (label, size) in [("inputDim", inputDim), ("outputDim", outputDim)] where size <= 0 {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "\(label) must be positive, received \(size)")
    }
    let table = try Shape([inputDim, outputDim]).validated(context: "Layer \(identity)")
    let embeddings = try addWeight(
      name: "embeddings", shape: table, initializer: embeddingsInitializer)
    embeddings.constraint = embeddingsConstraint
    self.embeddings = embeddings
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let embeddings else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    let output: Tensor
    do {
      output = try Ops.take(embeddings.value, ids(x), axis: 0)
    } catch PlexusError.indexOutOfRange(_, let index, let size) {
      throw PlexusError.indexOutOfRange(
        context: "Layer \(identity): input id (the ids must lie in [0, inputDim))",
        index: index, size: size)
    }
    if let activityRegularizer {
      let batch = Double(Swift.max(output.rank > 0 ? output.shape[0] : 1, 1))
      let penalty = try Ops.divide(
        activityRegularizer(output), Tensor.scalar(batch, dtype: output.dtype))
      activityLoss.store(penalty)
    }
    return output
  }

  /// The ids as integers: `int32`/`int64` as they are; floating-point ones truncated to
  /// `int32` after checking that none is NaN or infinite (a cast would make those 0 or the
  /// largest id silently).
  private func ids(_ x: Tensor) throws -> Tensor {
    switch x.dtype {
    case .int32, .int64: return x
    case .uint8, .bool: return try Ops.cast(x, to: .int32)
    case .float32, .float64, .bfloat16:
      if let bad = try x.cast(to: .float64).scalars(Double.self).first(where: { !$0.isFinite }) {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "expected integer ids in [0, \(inputDim)), received \(bad)")
      }
      return try Ops.cast(x, to: .int32)
    }
  }

  /// `ids != 0` (`bool`, the ids' shape) with `maskZero`; nil without.
  public func computeMask(_ x: Tensor) throws -> Tensor? {
    guard maskZero else { return nil }
    let ids = try ids(x)
    return try Ops.notEqual(ids, Tensor.zeros([], dtype: ids.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    Shape((inputShapes.first?.dims ?? []) + [outputDim])
  }

  /// Keras's Embedding config; `quantization_config` is Keras's default, `null`.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "input_dim": .int(inputDim), "output_dim": .int(outputDim),
      "embeddings_initializer": embeddingsInitializer.serialized.value,
      "embeddings_regularizer": .optional(embeddingsRegularizer?.serialized.value),
      "activity_regularizer": .optional(activityRegularizer?.serialized.value),
      "embeddings_constraint": .optional(embeddingsConstraint?.serialized.value),
      "mask_zero": .bool(maskZero), "quantization_config": .null,
    ]) { $1 }
  }

  /// Reads Keras's config; sizes must be positive when the layer is made, as Keras checks.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireDefault(
      "quantization_config", .null, reason: "Plexus's Embedding is not quantized")
    try config.requireDefault("lora_rank", .null, reason: "Plexus's Embedding has no LoRA adapter")
    _ = config.value("lora_alpha")
    _ = config.value("input_length")  // Keras 2's argument, which Keras 3 ignores too
    let inputDim = try config.int("input_dim")
    let outputDim = try config.int("output_dim")
    guard inputDim > 0 else { throw config.mismatch("input_dim", "a positive integer") }
    guard outputDim > 0 else { throw config.mismatch("output_dim", "a positive integer") }
    let layer = Embedding(
      inputDim, outputDim,
      embeddingsInitializer: try config.initializer(
        "embeddings_initializer", default: .randomUniform()),
      embeddingsRegularizer: try config.regularizer("embeddings_regularizer"),
      activityRegularizer: try config.regularizer("activity_regularizer"),
      embeddingsConstraint: try config.constraint("embeddings_constraint"),
      maskZero: try config.bool("mask_zero", default: false), name: settings.name)
    return try settings.finish(config, layer)
  }
}

extension Embedding: MaskProducer {}

extension Embedding: RegularizedLayer {
  /// The embeddings and activity penalties (the activity one from the latest call).
  public var regularizationLosses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      if let embeddingsRegularizer, let embeddings {
        result.append(try embeddingsRegularizer(embeddings.value))
      }
      if activityRegularizer != nil, let penalty = activityLoss.load() { result.append(penalty) }
      return result
    }
  }
}

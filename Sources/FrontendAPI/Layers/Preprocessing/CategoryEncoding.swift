/// Encodes integer category ids as vectors of `numTokens`: `.multiHot` (1 for each id a sample
/// holds, the default), `.oneHot` (one vector per id) or `.count` (how often each id occurs).
///
/// ```swift
/// let encode = try CategoryEncoding(numTokens: 4)            // [[0, 1], [3, 3]] → [[1, 1, 0, 0],
///                                                            //                    [0, 0, 0, 1]]
/// let oneHot = try CategoryEncoding(numTokens: 4, outputMode: .oneHot)   // (batch, 1) → (batch, 4)
/// ```
/// Ids outside `0..<numTokens` encode as zeros, as Keras 3's do. As in Keras, `.multiHot` and
/// `.count` reduce axis 1 of inputs of rank ≥ 2 (the ids of each sample) and axis 0 of a rank-1
/// input (one sample's ids); `.oneHot` first drops a trailing axis of 1. The output is float32.
/// Equivalent to `keras.layers.CategoryEncoding`.
public final class CategoryEncoding: Layer {
  /// How ids become vectors.
  public enum OutputMode: String, Sendable, CaseIterable {
    /// One vector per id.
    case oneHot = "one_hot"
    /// 1 for each id a sample holds.
    case multiHot = "multi_hot"
    /// How often each id occurs in a sample.
    case count
  }

  /// The length of the vectors: ids run over `0..<numTokens`.
  public let numTokens: Int
  /// How ids become vectors.
  public let outputMode: OutputMode

  /// Creates the layer. Throws for `numTokens` below 1.
  public init(numTokens: Int, outputMode: OutputMode = .multiHot, name: String? = nil) throws {
    self.numTokens = numTokens
    self.outputMode = outputMode
    super.init(name: name)
    guard numTokens >= 1, numTokens <= Shape.maximumElementCount else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "num_tokens must be >= 1, received \(numTokens)")
    }
  }

  /// The ids are read as they are, never cast to the compute dtype.
  override var castsInputs: Bool { false }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard x.dtype.isInteger || x.dtype.isFloatingPoint else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "takes integer ids, received \(x.dtype)")
    }
    // In int64, which holds every id and token (floats are truncated, as Keras casts them).
    return try Self.encode(Ops.cast(x, to: .int64), numTokens: numTokens, mode: outputMode)
  }

  /// Keras's `encode_categorical_inputs` for int64 `ids`: a scalar is one sample; `.oneHot`
  /// drops a trailing axis of 1; `.multiHot` and `.count` reduce axis 1 (axis 0 of a rank-1
  /// input). Shared with ``Discretization``.
  static func encode(_ ids: Tensor, numTokens: Int, mode: OutputMode) throws -> Tensor {
    var ids = ids.rank == 0 ? try Ops.reshape(ids, [1]) : ids
    if mode == .oneHot, ids.rank > 1, ids.shape[ids.rank - 1] == 1 {
      ids = try Ops.reshape(ids, Shape(ids.shape.dims.dropLast()))
    }
    // As JAX's `one_hot`: a comparison with every token, so an id outside the range is zeros.
    let tokens = try Ops.cast(Ops.arange(numTokens), to: .int64)
    let encoded = try Ops.cast(
      Ops.equal(Ops.expandDims(ids, axis: -1), tokens), to: .float32)
    switch mode {
    case .oneHot:
      return encoded
    case .multiHot:
      return try Ops.max(encoded, axes: [ids.rank > 1 ? 1 : 0])
    case .count:
      return try Ops.sum(encoded, axes: [ids.rank > 1 ? 1 : 0])
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    try Self.encodedShape(inputShapes.first ?? [], numTokens: numTokens, mode: outputMode)
  }

  /// The shape ``encode(_:numTokens:mode:)`` gives for ids of `input`'s shape.
  static func encodedShape(_ input: Shape, numTokens: Int, mode: OutputMode) throws -> Shape {
    guard input.rank > 0 else { return [numTokens] }
    if mode == .oneHot {
      let keep =
        input.rank > 1 && input[input.rank - 1] == 1 ? input.dims.dropLast() : input.dims[...]
      return Shape(Array(keep) + [numTokens])
    }
    var dims = input.dims
    dims.remove(at: input.rank > 1 ? 1 : 0)
    return Shape(dims + [numTokens])
  }

  /// Keras's config: `num_tokens` and `output_mode`.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "num_tokens": .int(numTokens), "output_mode": .string(outputMode.rawValue),
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    var mode = try config.string("output_mode", default: "multi_hot")
    if mode == "binary" { mode = "multi_hot" }  // Keras's alias
    guard let outputMode = OutputMode(rawValue: mode) else {
      throw config.mismatch("output_mode", "one of \(OutputMode.allCases.map(\.rawValue))")
    }
    try config.requireDefault("sparse", false, reason: "Plexus has no sparse tensors")
    let layer = try CategoryEncoding(
      numTokens: try config.int("num_tokens"), outputMode: outputMode, name: settings.name)
    return try settings.finish(config, layer)
  }
}

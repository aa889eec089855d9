/// What the global pooling layers share: the reduction over every spatial axis, `keepdims`,
/// the checks and the config. Channels-last only.
///
/// Input `(batch, *spatial, channels)`, output `(batch, channels)`, or `(batch, 1, ..., 1,
/// channels)` with `keepdims`. Equivalent to Keras's
/// `keras.src.layers.pooling.base_global_pooling.BaseGlobalPooling`.
public class BaseGlobalPooling: Layer {
  /// The number of spatial axes (1 or 2).
  public let rank: Int
  /// Whether the spatial axes are kept, with size 1.
  public let keepdims: Bool
  let mode: BasePooling.Mode

  init(rank: Int, mode: BasePooling.Mode, keepdims: Bool, name: String?) {
    self.rank = rank
    self.mode = mode
    self.keepdims = keepdims
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: rank + 2) }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let axes = Array(1...rank)
    switch mode {
    case .max: return try Ops.max(x, axes: axes, keepDims: keepdims)
    case .average: return try Ops.mean(x, axes: axes, keepDims: keepdims)
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == rank + 2 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank \(rank + 2)",
        received: "\(inputShapes)")
    }
    let spatial = keepdims ? [Int](repeating: 1, count: rank) : []
    return Shape([shape[0]] + spatial + [shape[rank + 1]])
  }

  /// Keras's global pooling config.
  public override var config: [String: ConfigValue] {
    super.config.merging(["data_format": "channels_last", "keepdims": .bool(keepdims)]) { $1 }
  }

  /// Builds a global pooling layer of `rank` spatial axes from Keras's config.
  static func make(_ config: ConfigReader, rank: Int, mode: BasePooling.Mode) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let keepdims = try config.bool("keepdims", default: false)
    let name = settings.name
    let layer: BaseGlobalPooling =
      switch (rank, mode) {
      case (1, .max): GlobalMaxPooling1D(keepdims: keepdims, name: name)
      case (1, .average): GlobalAveragePooling1D(keepdims: keepdims, name: name)
      case (2, .max): GlobalMaxPooling2D(keepdims: keepdims, name: name)
      case (2, .average): GlobalAveragePooling2D(keepdims: keepdims, name: name)
      case (_, .max): GlobalMaxPooling3D(keepdims: keepdims, name: name)
      case (_, .average): GlobalAveragePooling3D(keepdims: keepdims, name: name)
      }
    return try settings.finish(config, layer)
  }
}

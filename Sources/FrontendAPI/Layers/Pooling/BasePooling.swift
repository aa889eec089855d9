/// What the max and average pooling layers share: the window, the strides, the padding, the
/// checks and the config. Channels-last only; the 1-D layers run the 2-D pooling over a height
/// of one, the 3-D layers a 2-D pooling per depth slice and one along the depth.
///
/// Input `(batch, *spatial, channels)`, output `(batch, *outSpatial, channels)` with, along each
/// axis, `outSize = (size - poolSize) / stride + 1` for `"valid"` and `ceil(size / stride)` for
/// `"same"`. Equivalent to Keras's `keras.src.layers.pooling.base_pooling.BasePooling`.
public class BasePooling: Layer {
  /// How each window is reduced.
  enum Mode { case max, average }

  /// The number of spatial axes (1, 2 or 3).
  public let rank: Int
  /// The window, one size per spatial axis.
  public let poolSize: [Int]
  /// The step between windows, one per spatial axis (the pool size unless given).
  public let strides: [Int]
  /// How the edges are padded (`"same"` padding cells are never chosen by the maximum and not
  /// counted by the average).
  public let padding: Padding
  let mode: Mode

  init(
    rank: Int, mode: Mode, poolSize: SpatialSize, strides: SpatialSize?, padding: Padding,
    name: String?
  ) {
    self.rank = rank
    self.mode = mode
    self.poolSize = poolSize.perAxis(rank)
    self.strides = (strides ?? poolSize).perAxis(rank)
    self.padding = padding
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: rank + 2) }

  /// Checks the settings; errors name the layer.
  func validate() throws {
    for (name, values) in [("pool_size", poolSize), ("strides", strides)] {
      guard values.count == rank, values.allSatisfy({ $0 > 0 }) else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "\(name) must be one or \(rank) positive integers, received \(values)")
      }
    }
    guard padding != .causal else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "padding must be \"valid\" or \"same\"")
    }
  }

  public override func build(inputShape: Shape) throws {
    try validate()
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try namingErrors { try pooled(x) }
  }

  private func pooled(_ x: Tensor) throws -> Tensor {
    if rank == 3 { return try pooledVolume(x) }
    guard rank == 1 else { return try pool(x, poolSize, strides) }
    let planar = try Ops.reshape(x, [x.shape[0], 1, x.shape[1], x.shape[2]])
    let y = try pool(planar, [1] + poolSize, [1] + strides)
    return try Ops.reshape(y, [y.shape[0], y.shape[2], y.shape[3]])
  }

  /// A 3-D pooling as two 2-D ones: over height and width of each depth slice (the slices
  /// folded into the batch), then over the depth of each resulting cell. A window is a box, so
  /// its maximum is the maximum over its slices of their maxima, its first maximum the first
  /// one of the first slice holding it (the gradient's choice, as in TensorFlow), and its mean
  /// the mean over the slices inside of the slices' means, each counting the cells inside.
  private func pooledVolume(_ x: Tensor) throws -> Tensor {
    let (batch, depth, height, width, channels) = (
      x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]
    )
    guard depth >= 0, height >= 0, width >= 0 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "known depth, height and width",
        received: "\(x.shape)")
    }
    let slices = try Ops.reshape(x, [batch < 0 ? -1 : batch * depth, height, width, channels])
    let planar = try pool(slices, Array(poolSize.dropFirst()), Array(strides.dropFirst()))
    let (outHeight, outWidth) = (planar.shape[1], planar.shape[2])
    let columns = try Ops.reshape(planar, [batch, depth, outHeight * outWidth, channels])
    let deep = try pool(columns, [poolSize[0], 1], [strides[0], 1])
    return try Ops.reshape(deep, [batch, deep.shape[1], outHeight, outWidth, channels])
  }

  private func pool(_ x: Tensor, _ window: [Int], _ steps: [Int]) throws -> Tensor {
    switch mode {
    case .max: try Ops.maxPool2d(x, poolSize: window, strides: steps, padding: padding)
    case .average: try Ops.averagePool2d(x, poolSize: window, strides: steps, padding: padding)
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == rank + 2 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank \(rank + 2)",
        received: "\(inputShapes)")
    }
    let spatial = try (0..<rank).map { axis -> Int in
      let size = shape[axis + 1]
      guard size >= 0 else { return -1 }
      let (before, after) = padding.amounts(
        size, kernel: poolSize[axis], stride: strides[axis], dilation: 1)
      guard
        let length = Convolution2D.outputSize(
          size, kernel: poolSize[axis], stride: strides[axis], dilation: 1, padding: before,
          after)
      else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)",
          expected: "spatial sizes of at least the pool size \(poolSize)", received: "\(shape)")
      }
      return length
    }
    return Shape([shape[0]] + spatial + [shape[rank + 1]])
  }

  /// Keras's pooling config.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "pool_size": .ints(poolSize), "padding": .string(padding.rawValue),
      "strides": .ints(strides), "data_format": "channels_last",
    ]) { $1 }
  }

  /// Builds a pooling layer of `rank` spatial axes from Keras's config.
  static func make(_ config: ConfigReader, rank: Int, mode: Mode) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let poolSize = SpatialSize(try config.spatial("pool_size", rank: rank, default: [2]))
    let strides = try config.value("strides").flatMap { raw in
      raw.isNull ? nil : SpatialSize(try config.spatial("strides", rank: rank))
    }
    let padding = try config.padding(allowed: [.valid, .same])
    let name = settings.name
    let layer: BasePooling =
      switch (rank, mode) {
      case (1, .max):
        MaxPooling1D(poolSize: poolSize, strides: strides, padding: padding, name: name)
      case (1, .average):
        AveragePooling1D(poolSize: poolSize, strides: strides, padding: padding, name: name)
      case (2, .max):
        MaxPooling2D(poolSize: poolSize, strides: strides, padding: padding, name: name)
      case (2, .average):
        AveragePooling2D(poolSize: poolSize, strides: strides, padding: padding, name: name)
      case (_, .max):
        MaxPooling3D(poolSize: poolSize, strides: strides, padding: padding, name: name)
      case (_, .average):
        AveragePooling3D(poolSize: poolSize, strides: strides, padding: padding, name: name)
      }
    try layer.validate()
    return try settings.finish(config, layer)
  }
}

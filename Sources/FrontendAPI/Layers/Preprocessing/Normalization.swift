/// Standardizes features: `output = (x - mean) / max(sqrt(variance), 1e-7)` with one mean and
/// variance per index of the kept `axis` (the last by default), or the inverse with `invert`:
/// `output = mean + x · max(sqrt(variance), 1e-7)`. Any shape in, the same shape out.
///
/// The statistics are given or learned from data with ``adapt(_:)``:
/// ```swift
/// let given = Normalization(mean: [0.5, 2], variance: [1, 4])
/// let learned = Normalization()
/// try learned.adapt(trainingFeatures)   // (samples, features)
/// ```
/// Learned statistics are non-trainable weights named as Keras names them — `mean`,
/// `variance` and `count` (an `int32` scalar Keras keeps for older files and leaves 0) — so they
/// save and load with the model; given ones are constants, and the layer has no weights.
/// Equivalent to `keras.layers.Normalization`.
public final class Normalization: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// Raw features, never cast; statistics in float32 (the output takes the policy's dtype).
  override var castsInputs: Bool { false }
  override var computesInFloat32: Bool { true }

  /// The axes that keep their own statistics (negative counts from the end; empty: one mean
  /// and variance for everything).
  public let axis: [Int]
  /// The given means, if any: one value, or one per kept index.
  public let givenMean: [Double]?
  /// The given variances, if any, as `givenMean`.
  public let givenVariance: [Double]?
  /// Whether the layer undoes the normalization instead.
  public let invert: Bool
  /// Keras's spelling of the given statistics in the config (a number or a list).
  private let meanConfig: ConfigValue
  private let varianceConfig: ConfigValue

  /// The learned mean, variance and count, once built (nil with given statistics).
  public private(set) var mean: Variable?
  /// The learned variance (see ``mean``).
  public private(set) var variance: Variable?
  /// Keras's `count`, kept for the weight layout; always 0.
  public private(set) var count: Variable?

  /// The kept axes, resolved and sorted, and the shape statistics broadcast in, once built.
  private var keptAxes: [Int] = []
  private var broadcastShape: Shape = []
  /// The given statistics as tensors of `broadcastShape`, once built.
  private var constants: (mean: Tensor, variance: Tensor)?

  /// Normalizes with statistics learned by ``adapt(_:)``.
  public init(axis: [Int] = [-1], invert: Bool = false, name: String? = nil) {
    self.axis = axis
    self.givenMean = nil
    self.givenVariance = nil
    self.invert = invert
    self.meanConfig = .null
    self.varianceConfig = .null
    super.init(name: name)
  }

  /// Normalizes with the given statistics: one value, or one per index of the kept axes.
  public init(
    axis: [Int] = [-1], mean: [Double], variance: [Double], invert: Bool = false,
    name: String? = nil
  ) {
    self.axis = axis
    self.givenMean = mean
    self.givenVariance = variance
    self.invert = invert
    self.meanConfig = .array(mean.map(ConfigValue.double))
    self.varianceConfig = .array(variance.map(ConfigValue.double))
    super.init(name: name)
  }

  private init(
    axis: [Int], mean: [Double]?, variance: [Double]?, invert: Bool,
    meanConfig: ConfigValue, varianceConfig: ConfigValue, name: String?
  ) {
    self.axis = axis
    self.givenMean = mean
    self.givenVariance = variance
    self.invert = invert
    self.meanConfig = meanConfig
    self.varianceConfig = varianceConfig
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    let rank = inputShape.rank
    var kept: [Int] = []
    for entry in axis {
      guard let resolved = Shape.normalize(axis: entry, rank: rank) else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)",
          message: "axis \(entry) is outside an input of rank \(rank), shape \(inputShape)")
      }
      guard inputShape[resolved] > 0 else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)", expected: "a known size along kept axis \(resolved)",
          received: "\(inputShape)")
      }
      kept.append(resolved)
    }
    keptAxes = Array(Set(kept)).sorted()
    broadcastShape = Shape((0..<rank).map { keptAxes.contains($0) ? inputShape[$0] : 1 })
    let statistics = Shape(keptAxes.map { inputShape[$0] })
    guard let givenMean, let givenVariance else {
      mean = try addWeight(name: "mean", shape: statistics, initializer: .zeros, trainable: false)
      variance = try addWeight(
        name: "variance", shape: statistics, initializer: .ones, trainable: false)
      count = try addWeight(
        name: "count", shape: [], initializer: .zeros, dtype: .int32, trainable: false)
      return
    }
    constants = (
      try constant(givenMean, "mean", statistics),
      try constant(givenVariance, "variance", statistics)
    )
  }

  /// `values` (one, or one per element of `statistics`) as a tensor of `broadcastShape`.
  private func constant(_ values: [Double], _ what: String, _ statistics: Shape) throws -> Tensor {
    guard values.allSatisfy(\.isFinite), what != "variance" || values.allSatisfy({ $0 >= 0 })
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "the given \(what) must be finite\(what == "variance" ? " and ≥ 0" : ""), "
          + "received \(values)")
    }
    if values.count == 1 {
      return try Ops.broadcastTo(Tensor.scalar(values[0]), broadcastShape)
    }
    guard values.count == statistics.elementCount else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "1 or \(statistics.elementCount) \(what) values for kept axes \(keptAxes)",
        received: "\(values.count)")
    }
    return try Tensor(values.map { Float($0) }, shape: broadcastShape)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let x = x.dtype.isFloatingPoint ? x : try Ops.cast(x, to: .float32)
    let (mean, variance) = try statistics()
    let epsilon = try Tensor.scalar(1e-7, dtype: x.dtype)
    let deviation = try Ops.maximum(Ops.sqrt(Ops.cast(variance, to: x.dtype)), epsilon)
    let center = try Ops.cast(mean, to: x.dtype)
    if invert { return try Ops.add(center, Ops.multiply(x, deviation)) }
    return try Ops.divide(Ops.subtract(x, center), deviation)
  }

  /// The mean and variance, shaped to broadcast against the input.
  private func statistics() throws -> (Tensor, Tensor) {
    if let constants { return constants }
    guard let mean, let variance else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    return (
      try Ops.reshape(mean.value, broadcastShape), try Ops.reshape(variance.value, broadcastShape)
    )
  }

  /// Learns the mean and (biased) variance of `data` over every axis but the kept ones, as
  /// Keras's `adapt` does; builds the layer for `data`'s shape first when needed.
  /// Equivalent to Keras's `Normalization.adapt(data)`.
  public func adapt(_ data: Tensor) throws {
    guard givenMean == nil else {
      throw PlexusError.invalidState(
        context: "Layer \(identity)", message: "adapt learns statistics; this layer was given them")
    }
    guard data.count > 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "adapt needs data, received shape \(data.shape)")
    }
    try buildIfNeeded([data.shape])
    guard let mean, let variance, data.rank == broadcastShape.rank,
      keptAxes.allSatisfy({ data.shape[$0] == broadcastShape[$0] })
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) adapt",
        expected: "data of rank \(broadcastShape.rank) with kept axes \(keptAxes) sized as "
          + "\(broadcastShape)", received: "\(data.shape)")
    }
    let values = try Ops.cast(data, to: .float64)
    let reduced = (0..<data.rank).filter { !keptAxes.contains($0) }
    let average = try Ops.mean(values, axes: reduced, keepDims: true)
    let spread = try Ops.mean(Ops.square(Ops.subtract(values, average)), axes: reduced)
    try mean.assign(Ops.cast(Ops.reshape(average, mean.value.shape), to: mean.value.dtype))
    try variance.assign(
      Ops.cast(Ops.reshape(spread, variance.value.shape), to: variance.value.dtype))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging([
      "axis": .ints(axis), "invert": .bool(invert), "mean": meanConfig,
      "variance": varianceConfig,
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let axis: [Int]
    let rawAxis = config.value("axis") ?? .ints([-1])
    if rawAxis.isNull {
      axis = []
    } else if let single = rawAxis.intValue {
      axis = [single]
    } else if let entries = rawAxis.arrayValue, case let ints = entries.compactMap(\.intValue),
      ints.count == entries.count
    {
      axis = ints
    } else {
      throw config.mismatch("axis", "an integer, a list of integers or null")
    }
    func numbers(_ key: String) throws -> (ConfigValue, [Double]?) {
      guard let raw = config.value(key), !raw.isNull else { return (.null, nil) }
      if let single = raw.doubleValue { return (raw, [single]) }
      let entries = raw.arrayValue ?? []
      let values = entries.compactMap(\.doubleValue)
      guard !values.isEmpty, values.count == entries.count, values.allSatisfy(\.isFinite) else {
        throw config.mismatch(key, "a finite number or a flat list of them")
      }
      return (raw, values)
    }
    let (meanConfig, mean) = try numbers("mean")
    let (varianceConfig, variance) = try numbers("variance")
    guard (mean == nil) == (variance == nil) else {
      throw config.mismatch("variance", "given together with mean, or both null")
    }
    let layer = Normalization(
      axis: axis, mean: mean, variance: variance, invert: try config.bool("invert", default: false),
      meanConfig: meanConfig, varianceConfig: varianceConfig, name: settings.name)
    return try settings.finish(config, layer)
  }
}

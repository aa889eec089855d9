/// Buckets continuous values by ranges: `binBoundaries: [0, 1, 2]` makes the bins (-∞, 0),
/// [0, 1), [1, 2) and [2, ∞), numbered 0 to 3.
///
/// ```swift
/// let bucket = try Discretization(binBoundaries: [0, 1, 2])   // [[-1.5, 1, 3.4, 0.5]] → [[0, 2, 3, 1]]
/// let learned = try Discretization(numBins: 4)                 // boundaries from `adapt`
/// try learned.adapt(data)
/// ```
/// `.int` (the default) outputs the bin of each value as int32; `.oneHot`, `.multiHot` and
/// `.count` encode the bins as ``CategoryEncoding`` does (float32). Inputs are compared in
/// float32, as Keras casts them; NaN falls in the last bin (the first, for descending
/// boundaries), as JAX's `digitize` puts it. `adapt` learns `numBins` bins of about equal
/// counts with Keras's quantile summary and its `epsilon`, so it learns Keras's boundaries.
/// Equivalent to `keras.layers.Discretization`.
public final class Discretization: Layer {
  /// What the layer outputs.
  public enum OutputMode: String, Sendable, CaseIterable {
    /// The bin of each value, int32.
    case int
    /// One vector per value.
    case oneHot = "one_hot"
    /// 1 for each bin a sample's values fall in.
    case multiHot = "multi_hot"
    /// How many of a sample's values fall in each bin.
    case count
  }

  /// The boundaries between bins, ascending (or descending); nil until `adapt` when the
  /// layer was made with `numBins`.
  public private(set) var binBoundaries: [Double]?
  /// How many bins `adapt` learns; nil when the boundaries were given.
  public let numBins: Int?
  /// The error tolerance of `adapt`'s quantiles.
  public let epsilon: Double
  /// What the layer outputs.
  public let outputMode: OutputMode

  /// Buckets by the given boundaries (ascending or descending; empty makes one bin).
  public convenience init(
    binBoundaries: [Double], outputMode: OutputMode = .int, name: String? = nil
  ) throws {
    try self.init(
      binBoundaries: binBoundaries, numBins: nil, epsilon: 0.01, outputMode: outputMode,
      name: name)
  }

  /// Learns `numBins` bins (≥ 1) from the data given to ``adapt(_:)``, to within `epsilon`
  /// (in (0, 1]).
  public convenience init(
    numBins: Int, epsilon: Double = 0.01, outputMode: OutputMode = .int, name: String? = nil
  ) throws {
    try self.init(
      binBoundaries: nil, numBins: numBins, epsilon: epsilon, outputMode: outputMode,
      name: name)
  }

  private init(
    binBoundaries: [Double]?, numBins: Int?, epsilon: Double, outputMode: OutputMode,
    name: String?
  ) throws {
    self.binBoundaries = binBoundaries
    self.numBins = numBins
    self.epsilon = epsilon
    self.outputMode = outputMode
    super.init(name: name)
    if let numBins, numBins < 1 || numBins > Shape.maximumElementCount {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "num_bins must be >= 1, received \(numBins)")
    }
    guard epsilon > 0, epsilon <= 1 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "epsilon must be in (0, 1], received \(epsilon)")
    }
    if let binBoundaries { try Self.check(binBoundaries, identity) }
  }

  /// Boundaries must be numbers, in order (either way), and fit in the bin count.
  private static func check(_ boundaries: [Double], _ identity: String) throws {
    guard boundaries.allSatisfy({ !$0.isNaN }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "bin_boundaries must not hold NaN")
    }
    let pairs = zip(boundaries, boundaries.dropFirst())
    guard pairs.allSatisfy({ $0 <= $1 }) || pairs.allSatisfy({ $0 >= $1 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "bin_boundaries must be ascending or descending, received \(boundaries)")
    }
    guard boundaries.count < Int(Int32.max) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "too many bin_boundaries: \(boundaries.count)")
    }
  }

  /// The values are compared in float32 whatever the compute dtype.
  override var castsInputs: Bool { false }

  /// The boundaries, or an error before `adapt`.
  private func boundaries() throws -> [Double] {
    guard let binBoundaries else {
      throw PlexusError.invalidState(
        context: "Layer \(identity)",
        message: "has no bin boundaries: pass binBoundaries, or call adapt(_:) first")
    }
    return binBoundaries
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let boundaries = try boundaries()
    guard x.dtype.isFloatingPoint || x.dtype.isInteger || x.dtype == .bool else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "takes numbers, received \(x.dtype)")
    }
    let values = try Ops.cast(x, to: .float32)
    // Zeros of the input's shape (x < x is false everywhere, NaN too).
    var bins = try Ops.cast(Ops.less(values, values), to: .int32)
    if let first = boundaries.first, let last = boundaries.last {
      let edges = try Tensor(boundaries.map { Float($0) }, shape: [boundaries.count])
      let expanded = try Ops.expandDims(values, axis: -1)
      // As `digitize`: ascending counts the boundaries at or below a value, descending the
      // ones above it; NaN compares false, so it is placed apart.
      let ascending = last >= first
      let below = try ascending ? Ops.greaterEqual(expanded, edges) : Ops.less(expanded, edges)
      bins = try Ops.sum(Ops.cast(below, to: .int32), axes: [-1])
      if ascending {
        let count = Tensor(Int32(boundaries.count))
        bins = try Ops.where(Ops.notEqual(values, values), count, bins)
      }
    }
    guard let mode = encodingMode else { return bins }
    return try CategoryEncoding.encode(
      Ops.cast(bins, to: .int64), numTokens: boundaries.count + 1, mode: mode)
  }

  /// The encoding of the non-`int` modes.
  private var encodingMode: CategoryEncoding.OutputMode? {
    switch outputMode {
    case .int: nil
    case .oneHot: .oneHot
    case .multiHot: .multiHot
    case .count: .count
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    let input = inputShapes.first ?? []
    guard let mode = encodingMode else { return input }
    return try CategoryEncoding.encodedShape(
      input, numTokens: boundaries().count + 1, mode: mode)
  }

  /// Learns `numBins` bins from `data` (any shape; every value counts), replacing what an
  /// earlier `adapt` learned. Equivalent to Keras's `Discretization.adapt(data)`.
  public func adapt(_ data: Tensor) throws {
    try adapt(batches: [data])
  }

  /// Learns `numBins` bins from the values of every batch, merged as Keras merges the
  /// batches of a dataset. Equivalent to Keras's `adapt` on an iterable of batches.
  public func adapt(batches: [Tensor]) throws {
    guard let numBins else {
      throw PlexusError.invalidState(
        context: "Layer \(identity)",
        message: "cannot adapt a layer made with bin_boundaries; make it with numBins")
    }
    var summary = QuantileSummary()
    for batch in batches {
      guard batch.dtype.isFloatingPoint || batch.dtype.isInteger else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity) adapt", message: "takes numbers, received \(batch.dtype)")
      }
      let values = try Ops.cast(batch, to: .float32).floats()
      guard values.allSatisfy(\.isFinite) else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity) adapt",
          message: "the data holds NaN or infinity, which have no quantile")
      }
      summary = QuantileSummary(batch: values, epsilon: epsilon)
        .merged(with: summary, epsilon: epsilon)
    }
    guard !summary.values.isEmpty else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity) adapt", message: "adapt needs data, received none")
    }
    binBoundaries = summary.binBoundaries(bins: numBins).map(Double.init)
  }

  /// Keras's config: `bin_boundaries`, `num_bins`, `epsilon`, `output_mode` and `sparse`,
  /// beside the name and the variable dtype as a string; no `trainable`, which Keras's
  /// `Discretization` neither writes nor accepts.
  public override var config: [String: ConfigValue] {
    var base = super.config
    base["trainable"] = nil
    base["dtype"] = .string(dtypePolicy.variableDType.description)
    return base.merging([
      "bin_boundaries": binBoundaries.map { .array($0.map(ConfigValue.double)) } ?? .null,
      "num_bins": numBins.map(ConfigValue.int) ?? .null,
      "epsilon": .double(epsilon),
      "output_mode": .string(outputMode.rawValue),
      "sparse": .bool(false),
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let mode = try config.string("output_mode", default: "int")
    guard let outputMode = OutputMode(rawValue: mode) else {
      throw config.mismatch("output_mode", "one of \(OutputMode.allCases.map(\.rawValue))")
    }
    try config.requireDefault("sparse", false, reason: "Plexus has no sparse tensors")
    var boundaries: [Double]?
    if let raw = config.value("bin_boundaries"), !raw.isNull {
      let entries = raw.arrayValue ?? []
      let values = entries.compactMap(\.doubleValue)
      guard raw.arrayValue != nil, values.count == entries.count else {
        throw config.mismatch("bin_boundaries", "a list of numbers or null")
      }
      boundaries = values
    }
    let numBins = try config.optionalInt("num_bins")
    guard boundaries != nil || numBins != nil else {
      throw config.mismatch("bin_boundaries", "a list of numbers, or num_bins set")
    }
    // An adapted layer's config holds both, as Keras writes it.
    let layer = try Discretization(
      binBoundaries: boundaries, numBins: numBins,
      epsilon: try config.double("epsilon", default: 0.01), outputMode: outputMode,
      name: settings.name)
    return try settings.finish(config, layer)
  }
}

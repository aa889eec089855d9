/// Scales each vector along `axis` to unit L2 norm: `x · min(rsqrt(Σ x²), 1e12)` (a zero vector
/// stays zero).
///
/// ```swift
/// UnitNormalization()             // each sample's features
/// UnitNormalization(axis: [1, 2]) // each (batch) image's whole map
/// ```
/// Equivalent to `keras.layers.UnitNormalization`.
public final class UnitNormalization: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The axes normalised over together; negative counts from the end.
  public let axis: [Int]
  /// Whether the config writes `axis` as a list (Keras keeps the form it was given).
  let writesAxisAsList: Bool

  /// Creates the layer normalising over one axis.
  public convenience init(axis: Int = -1, name: String? = nil) {
    self.init(axes: [axis], asList: false, name: name)
  }

  /// Creates the layer normalising over several axes together.
  public convenience init(axis: [Int], name: String? = nil) {
    self.init(axes: axis, asList: true, name: name)
  }

  private init(axes: [Int], asList: Bool, name: String?) {
    self.axis = axes
    self.writesAxisAsList = asList
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    _ = try resolvedAxes(rank: inputShape.rank)
  }

  private func resolvedAxes(rank: Int) throws -> [Int] {
    let resolved = axis.compactMap { Shape.normalize(axis: $0, rank: rank) }
    guard !axis.isEmpty, resolved.count == axis.count, Set(resolved).count == resolved.count else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "axis \(axis) must name distinct axes of the rank-\(rank) input")
    }
    return resolved
  }

  /// Keras's `normalize(x, axis, order: 2, epsilon: 1e-12)`.
  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let axes = try resolvedAxes(rank: x.rank)
    let squareSum = try Ops.sum(Ops.square(x), axes: axes, keepDims: true)
    let inverse = try Ops.minimum(Ops.rsqrt(squareSum), Tensor.scalar(1e12, dtype: x.dtype))
    return try x * inverse
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": writesAxisAsList ? .ints(axis) : .int(axis[0])]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let raw = config.value("axis") ?? .int(-1)
    let entries = raw.arrayValue ?? [raw]
    let axes = entries.compactMap(\.intValue)
    guard !entries.isEmpty, axes.count == entries.count else {
      throw config.mismatch("axis", "an integer or a list of integers")
    }
    let layer =
      raw.arrayValue != nil
      ? UnitNormalization(axis: axes, name: settings.name)
      : UnitNormalization(axis: axes[0], name: settings.name)
    return try settings.finish(config, layer)
  }
}

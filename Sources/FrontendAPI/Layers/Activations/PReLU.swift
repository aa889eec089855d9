/// The parametric rectified linear unit: `x` for `x ≥ 0`, `alpha · x` below, with `alpha` a
/// trainable weight of the input's shape (without the batch axis; 1 along `sharedAxes`, which
/// share one slope, such as a convolution's spatial axes `[1, 2]`).
///
/// ```swift
/// PReLU()                      // one slope per feature, starting at 0
/// PReLU(sharedAxes: [1, 2])    // one slope per channel of (batch, height, width, channels)
/// ```
/// Equivalent to `keras.layers.PReLU`.
public final class PReLU: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  public let alphaInitializer: Initializer
  public let alphaRegularizer: (any Regularizer)?
  public let alphaConstraint: (any Constraint)?
  /// The input axes (1 is the first after the batch) that share one slope.
  public let sharedAxes: [Int]?

  /// The slopes, once built.
  public private(set) var alpha: Variable?

  /// Creates the layer (Keras's defaults: slopes starting at 0, none shared).
  public init(
    alphaInitializer: Initializer = .zeros, alphaRegularizer: (any Regularizer)? = nil,
    alphaConstraint: (any Constraint)? = nil, sharedAxes: [Int]? = nil, name: String? = nil
  ) {
    self.alphaInitializer = alphaInitializer
    self.alphaRegularizer = alphaRegularizer
    self.alphaConstraint = alphaConstraint
    self.sharedAxes = sharedAxes
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? {
    guard let alpha else { return InputSpec(minRank: 2) }
    var axes: [Int: Int] = [:]
    for (index, size) in alpha.shape.dims.enumerated() where size != 1 || !shares(index + 1) {
      axes[index + 1] = size
    }
    return InputSpec(rank: alpha.shape.rank + 1, axes: axes)
  }

  private func shares(_ axis: Int) -> Bool { sharedAxes?.contains(axis) ?? false }

  public override func build(inputShape: Shape) throws {
    guard inputShape.rank >= 2, inputShape.dims.dropFirst().allSatisfy({ $0 > 0 }) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank ≥ 2 with every axis but the batch known",
        received: "\(inputShape)")
    }
    for axis in sharedAxes ?? [] where !(1..<inputShape.rank).contains(axis) {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "sharedAxes \(sharedAxes ?? []) must name axes in 1..<\(inputShape.rank) of "
          + "the input \(inputShape)")
    }
    let shape = (1..<inputShape.rank).map { shares($0) ? 1 : inputShape[$0] }
    let alpha = try addWeight(name: "alpha", shape: Shape(shape), initializer: alphaInitializer)
    alpha.constraint = alphaConstraint
    self.alpha = alpha
  }

  /// Keras's `relu(x) - alpha · relu(-x)`.
  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard let alpha else {
      throw PlexusError.invalidState(context: "Layer \(identity)", message: "not built")
    }
    let slope = alpha.value.dtype == x.dtype ? alpha.value : try Ops.cast(alpha.value, to: x.dtype)
    return try Ops.relu(x) - slope * Ops.relu(Ops.negative(x))
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging([
      "alpha_initializer": alphaInitializer.serialized.value,
      "alpha_regularizer": .optional(alphaRegularizer?.serialized.value),
      "alpha_constraint": .optional(alphaConstraint?.serialized.value),
      "shared_axes": sharedAxes.map { .ints($0) } ?? .null,
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    var shared: [Int]?
    if let raw = config.value("shared_axes"), !raw.isNull {
      // Keras takes one axis or a list of them.
      let entries = raw.arrayValue ?? [raw]
      let axes = entries.compactMap(\.intValue)
      guard axes.count == entries.count else {
        throw config.mismatch("shared_axes", "null, an integer or a list of integers")
      }
      shared = axes
    }
    let layer = PReLU(
      alphaInitializer: try config.initializer("alpha_initializer", default: .zeros),
      alphaRegularizer: try config.regularizer("alpha_regularizer"),
      alphaConstraint: try config.constraint("alpha_constraint"), sharedAxes: shared,
      name: settings.name)
    return try settings.finish(config, layer)
  }
}

extension PReLU: RegularizedLayer {
  /// The slopes' penalty.
  public var regularizationLosses: [Tensor] {
    get throws { try penalties([(alphaRegularizer, alpha)]) }
  }
}

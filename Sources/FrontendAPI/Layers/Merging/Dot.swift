/// The dot product of two inputs along one axis of each, per sample:
/// `output[b, i..., j...] = Σₖ a[b, i..., k] · b[b, k, j...]` with `k` running over
/// `axes[0]` of `a` and `axes[1]` of `b` (the batch axis is never contracted).
///
/// ```swift
/// let score = try Dot(axes: 1)([a, b])              // (batch, n), (batch, n) → (batch, 1)
/// let attention = try Dot(axes: [2, 2])([q, k])     // (b, 3, 4), (b, 5, 4) → (b, 3, 5)
/// ```
/// With `normalize`, each input is first scaled to unit L2 norm along its contracted axis, so
/// the output is the cosine similarity. The output holds `a`'s remaining axes, then `b`'s; an
/// output of the batch axis alone becomes `(batch, 1)`, as Keras's `batch_dot` makes it.
/// Equivalent to `keras.layers.Dot`.
public final class Dot: Layer {
  /// The contracted axis of each input, or one axis for both (negative counts from the end).
  public let axes: [Int]
  /// Whether the inputs are L2-normalized along the contracted axes first.
  public let normalize: Bool

  /// Contracts `axes` of both inputs.
  public convenience init(axes: Int, normalize: Bool = false, name: String? = nil) {
    self.init(axesList: [axes], normalize: normalize, name: name)
  }

  /// Contracts `axes[0]` of the first input with `axes[1]` of the second.
  public convenience init(axes: [Int], normalize: Bool = false, name: String? = nil) {
    self.init(axesList: axes, normalize: normalize, name: name)
  }

  private init(axesList: [Int], normalize: Bool, name: String?) {
    self.axes = axesList
    self.normalize = normalize
    super.init(name: name)
  }

  /// The input shapes it was built for, batch axis -1 (for `build_config`).
  private(set) var builtInputShapes: [Shape]?

  public override func build(inputShapes: [Shape]) throws {
    defer { builtInputShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) } }
    guard inputShapes.count == 2 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "needs exactly 2 inputs, received \(inputShapes.count)")
    }
    let (first, second) = try resolvedAxes(inputShapes[0], inputShapes[1])
    let (m, n) = (inputShapes[0][first], inputShapes[1][second])
    guard m < 0 || n < 0 || m == n else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "axis \(first) of \(inputShapes[0]) and axis \(second) of the second input of "
          + "one size", received: "\(inputShapes[1])")
    }
  }

  /// The contracted axes as non-negative indices, checked against the ranks.
  private func resolvedAxes(_ a: Shape, _ b: Shape) throws -> (Int, Int) {
    guard axes.count == 1 || axes.count == 2 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "axes must be 1 or 2 integers, received \(axes)")
    }
    let pair = axes.count == 1 ? [axes[0], axes[0]] : axes
    var resolved: [Int] = []
    for (shape, axis) in zip([a, b], pair) {
      guard shape.rank >= 2, let index = Shape.normalize(axis: axis, rank: shape.rank), index > 0
      else {
        throw PlexusError.shapeMismatch(
          context: "Layer \(identity)",
          expected: "inputs of rank ≥ 2 with axis \(axis) a non-batch axis",
          received: "\(a) and \(b)")
      }
      resolved.append(index)
    }
    return (resolved[0], resolved[1])
  }

  public override func call(_ inputs: [Tensor], training: Bool) throws -> Tensor {
    guard inputs.count == 2 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "needs exactly 2 inputs, received \(inputs.count)")
    }
    var (a, b) = (inputs[0], inputs[1])
    let (first, second) = try resolvedAxes(a.shape, b.shape)
    guard a.shape[0] == b.shape[0], a.shape[first] == b.shape[second] else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "one batch size, and axis \(first) of \(a.shape) the size of axis \(second)",
        received: "\(b.shape)")
    }
    if normalize {
      a = try Self.l2Normalized(a, axis: first)
      b = try Self.l2Normalized(b, axis: second)
    }
    // a → (batch, rest of a, k) and b → (batch, k, rest of b): one batched matrix product.
    let batch = a.shape[0]
    let depth = a.shape[first]
    let restA = a.shape.dims.enumerated().filter { $0.offset != 0 && $0.offset != first }
      .map(\.element)
    let restB = b.shape.dims.enumerated().filter { $0.offset != 0 && $0.offset != second }
      .map(\.element)
    let movedA = try Ops.transpose(a, permutation: Self.moving(first, to: a.rank - 1, a.rank))
    let movedB = try Ops.transpose(b, permutation: Self.moving(second, to: 1, b.rank))
    let product = try Ops.matmul(
      Ops.reshape(movedA, [batch, restA.reduce(1, *), depth]),
      Ops.reshape(movedB, [batch, depth, restB.reduce(1, *)]))
    let dims = [batch] + restA + restB
    return try Ops.reshape(product, Shape(dims.count == 1 ? [batch, 1] : dims))
  }

  /// The permutation that moves `axis` to `target` and keeps the others in order.
  private static func moving(_ axis: Int, to target: Int, _ rank: Int) -> [Int] {
    var order = (0..<rank).filter { $0 != axis }
    order.insert(axis, at: target)
    return order
  }

  /// `x · min(1 / ‖x‖, 1 / ε)` along `axis`, as Keras's `normalize` computes it.
  private static func l2Normalized(_ x: Tensor, axis: Int) throws -> Tensor {
    let squares = try Ops.sum(Ops.square(x), axes: [axis], keepDims: true)
    let inverse = try Ops.minimum(Ops.rsqrt(squares), Tensor.scalar(1e7, dtype: x.dtype))
    return try Ops.multiply(x, inverse)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard inputShapes.count == 2 else { return [] }
    let (a, b) = (inputShapes[0], inputShapes[1])
    let (first, second) = try resolvedAxes(a, b)
    let dims =
      [a[0]] + a.dims.enumerated().filter { $0.offset != 0 && $0.offset != first }.map(\.element)
      + b.dims.enumerated().filter { $0.offset != 0 && $0.offset != second }.map(\.element)
    return Shape(dims.count == 1 ? [a[0], 1] : dims)
  }

  /// Keras's config: `axes` an integer or a pair, as it was given.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "axes": axes.count == 1 ? .int(axes[0]) : .ints(axes), "normalize": .bool(normalize),
    ]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let normalize = try config.bool("normalize", default: false)
    let raw = config.value("axes")
    let layer: Dot
    if let single = raw?.intValue {
      layer = Dot(axes: single, normalize: normalize, name: settings.name)
    } else if let entries = raw?.arrayValue, entries.count == 2,
      case let pair = entries.compactMap(\.intValue), pair.count == 2
    {
      layer = Dot(axes: pair, normalize: normalize, name: settings.name)
    } else {
      throw config.mismatch("axes", "an integer or a list of 2 integers")
    }
    return try settings.finish(config, layer)
  }
}

extension Dot: MultiInputLayer {}

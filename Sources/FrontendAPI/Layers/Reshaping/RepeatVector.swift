/// Repeats a vector `n` times: `(batch, features)` → `(batch, n, features)`.
///
/// ```swift
/// let y = try RepeatVector(3)(x)   // x: (batch, 32) → y: (batch, 3, 32)
/// ```
/// Equivalent to `keras.layers.RepeatVector`.
public final class RepeatVector: Layer {
  /// How many times the input is repeated, ≥ 1.
  public let n: Int

  /// Creates the layer.
  public init(_ n: Int, name: String? = nil) {
    self.n = n
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 2) }

  public override func build(inputShape: Shape) throws {
    guard n > 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "n must be positive, received \(n)")
    }
    guard inputShape.rank == 2 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank 2, (batch, features)",
        received: "\(inputShape)")
    }
    let features = Swift.max(inputShape[1], 1)
    _ = try Shape([n, features]).validated(context: "Layer \(identity)")
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let target = try Shape([x.shape[0], n, x.shape[1]]).validated(context: "Layer \(identity)")
    return try Ops.broadcastTo(Ops.expandDims(x, axis: 1), target)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == 2 else { return [] }
    return [shape[0], n, shape[1]]
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["n": .int(n)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let n = try config.int("n")
    guard n > 0 else { throw config.mismatch("n", "a positive integer") }
    return try settings.finish(config, RepeatVector(n, name: settings.name))
  }
}

/// Reorders the axes after the batch: output axis `i` is input axis `dims[i - 1]`
/// (`dims` counts from 1, the batch axis stays first).
///
/// ```swift
/// let y = try Permute([2, 1])(x)   // x: (batch, 10, 64) → y: (batch, 64, 10)
/// ```
/// Equivalent to `keras.layers.Permute`.
public final class Permute: Layer {
  /// A permutation of `1...rank-1`.
  public let dims: [Int]

  /// Creates the layer.
  public init(_ dims: [Int], name: String? = nil) {
    self.dims = dims
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: dims.count + 1) }

  public override func build(inputShape: Shape) throws {
    guard dims.sorted() == Array(1...Swift.max(dims.count, 1)), !dims.isEmpty else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "dims must be a permutation of 1...\(dims.count), received \(dims)")
    }
    guard inputShape.rank == dims.count + 1 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "rank \(dims.count + 1) for dims \(dims)",
        received: "\(inputShape)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try Ops.transpose(x, permutation: [0] + dims)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    guard let shape = inputShapes.first, shape.rank == dims.count + 1,
      !dims.isEmpty, dims.sorted() == Array(1..<(dims.count + 1))
    else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "inputs of rank \(dims.count + 1) and dims a permutation of 1...\(dims.count)",
        received: "input shape \(inputShapes.first.map { "\($0)" } ?? "none"), dims \(dims)")
    }
    return Shape([shape[0]] + dims.map { shape[$0] })
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["dims": .ints(dims)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let entries = config.value("dims")?.arrayValue ?? []
    let dims = entries.compactMap(\.intValue)
    guard !dims.isEmpty, dims.count == entries.count,
      dims.sorted() == Array(1...dims.count)
    else { throw config.mismatch("dims", "a permutation of 1...n, as a list of integers") }
    return try settings.finish(config, Permute(dims, name: settings.name))
  }
}

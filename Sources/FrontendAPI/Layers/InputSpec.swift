/// What a layer accepts, checked on every call once the layer is built (Keras's `InputSpec`).
public struct InputSpec: Sendable, Hashable {
  /// The smallest rank accepted, batch axis included.
  public var minRank: Int?
  /// An exact rank, batch axis included.
  public var rank: Int?
  /// Required sizes of given axes (negative axes count from the end).
  public var axes: [Int: Int]

  public init(minRank: Int? = nil, rank: Int? = nil, axes: [Int: Int] = [:]) {
    self.minRank = minRank
    self.rank = rank
    self.axes = axes
  }

  /// Checks `shape`; throws an error naming `layer`, the expectation and `shape`. The texts are
  /// only built when the check fails: this runs on every call of every layer.
  func check(_ shape: Shape, layer: @autoclosure () -> String) throws {
    guard !accepts(shape) else { return }
    throw PlexusError.shapeMismatch(
      context: layer(), expected: expectationText, received: "\(shape)")
  }

  /// Whether `shape` satisfies the spec (-1 axes, still unknown, pass).
  func accepts(_ shape: Shape) -> Bool {
    if let rank, shape.rank != rank { return false }
    if let minRank, shape.rank < minRank { return false }
    for (axis, size) in axes {
      guard let resolved = Shape.normalize(axis: axis, rank: shape.rank),
        shape[resolved] == size || shape[resolved] < 0
      else { return false }
    }
    return true
  }

  /// `"(None, 784)"`-style text for the error message.
  var expectationText: String {
    let total = rank ?? minRank ?? ((axes.keys.map { Swift.abs($0) }.max() ?? 0) + 1)
    var dims = [String](repeating: "None", count: Swift.max(total, 1))
    for (axis, size) in axes {
      let index = axis < 0 ? dims.count + axis : axis
      if dims.indices.contains(index) { dims[index] = "\(size)" }
    }
    let prefix = rank == nil ? "rank ≥ \(total) with shape (..., " : "shape ("
    let shown = rank == nil ? dims.suffix(Swift.max(total - 1, 1)) : dims[...]
    return prefix + shown.joined(separator: ", ") + ")"
  }
}

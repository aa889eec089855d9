/// What a layer accepts, checked on every call once the layer is built (Keras's `InputSpec`).
public struct InputSpec: Sendable, Hashable {
  /// The smallest rank accepted, batch axis included.
  public var minRank: Int?
  /// An exact rank, batch axis included.
  public var rank: Int?
  /// Required sizes of given axes (negative axes count from the end).
  public var axes: [Int: Int]

  /// Creates a spec; every constraint is optional.
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

  /// `"(None, 784)"`-style text for the error message. Built from the constraints alone, with
  /// no array sized by them: a spec may hold any `Int`, `Int.min` and `Int.max` included.
  var expectationText: String {
    if let rank {
      guard (0...64).contains(rank) else { return "rank \(rank)" }
      let dims = (0..<rank).map { axis in
        (axes[axis] ?? axes[axis - rank]).map(String.init) ?? "None"
      }
      return "shape (" + dims.joined(separator: ", ") + ")"
    }
    let leading = axes.keys.filter { $0 >= 0 }.sorted().map { "axis \($0) = \(axes[$0] ?? 0)" }
    let trailingAxes = axes.keys.filter { $0 < 0 }.sorted()
    let trailing = trailingAxes.map { axes[$0].map(String.init) ?? "None" }
    var parts = ["rank ≥ \(minRank ?? 0)"]
    parts += leading
    if !trailing.isEmpty {
      // Negative axes count from the end: -k through -1 read as one contiguous tail.
      let contiguous = trailingAxes.last == -1 && trailingAxes.first == -trailingAxes.count
      parts.append(
        contiguous
          ? "with shape (..., " + trailing.joined(separator: ", ") + ")"
          : zip(trailingAxes, trailing).map { "axis \($0) = \($1)" }.joined(separator: ", "))
    }
    return parts.joined(separator: " ")
  }
}

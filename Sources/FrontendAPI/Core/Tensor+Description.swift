extension Tensor: CustomStringConvertible {
  /// `Tensor(shape=(2, 2), dtype=float32, [1.0, 2.0, 3.0, 4.0])`, elided past 16 elements.
  public var description: String {
    let values: String
    if let floats = try? floats() {
      let shown = floats.prefix(16).map { "\($0)" }.joined(separator: ", ")
      values = floats.count > 16 ? shown + ", ..." : shown
    } else {
      values = "?"
    }
    return "Tensor(shape=\(shape), dtype=\(dtype), [\(values)])"
  }
}

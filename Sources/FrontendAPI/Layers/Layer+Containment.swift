extension Layer {
  /// Whether `other` is this layer or a sublayer of it at any depth. Walks the structure with a
  /// work list and a visited set, so a structure that already holds a cycle still answers.
  func contains(_ other: Layer) -> Bool {
    var pending: [Layer] = [self]
    var seen = Set<ObjectIdentifier>()
    while let layer = pending.popLast() {
      if layer === other { return true }
      guard seen.insert(ObjectIdentifier(layer)).inserted else { continue }
      pending.append(contentsOf: layer.sublayers.map(\.1))
    }
    return false
  }
}

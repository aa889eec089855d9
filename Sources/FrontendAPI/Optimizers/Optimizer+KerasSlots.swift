extension Optimizer {
  /// The slots of `variables` in the order Keras lists them in `optimizer.variables` (after the
  /// iteration count and the learning rate), created as zeros where no step has made them yet:
  /// Adam interleaves its two slots per variable (`m1, v1, m2, v2`), as Keras builds them in
  /// one call; RMSprop lists all of one kind before the next (`velocity` for every variable,
  /// then `momentum`), as Keras builds them in one call each.
  func kerasSlots(for variables: [Variable]) throws -> [Variable] {
    let perVariable = try variables.map { try slots(for: $0) }
    guard self is RMSprop else { return perVariable.flatMap { $0 } }
    let kinds = perVariable.first?.count ?? 0
    return (0..<kinds).flatMap { kind in
      perVariable.compactMap { $0.indices.contains(kind) ? $0[kind] : nil }
    }
  }
}

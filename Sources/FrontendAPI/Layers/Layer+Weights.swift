extension Layer {
  /// Creates a weight drawn from `initializer` and registers it with this layer.
  /// Equivalent to Keras's `Layer.add_weight`.
  @discardableResult
  public func addWeight(
    name: String, shape: Shape, initializer: Initializer = .glorotUniform,
    dtype: DType = .float32, trainable: Bool = true
  ) throws -> Variable {
    _ = try shape.validated(context: "\(identity).addWeight")
    guard shape.dims.allSatisfy({ $0 > 0 }) || shape.rank == 0 else {
      throw PlexusError.invalidArgument(
        context: "\(identity).addWeight",
        message: "weight '\(name)' needs a positive shape, received \(shape)")
    }
    let variable = Variable(
      try initializer(shape, dtype: dtype), name: name, trainable: trainable && self.trainable,
      createdTrainable: trainable)
    let inFirstBuild = Self.isBuilding(self)
    lock.withLock {
      bookkeeping.addedWeights.append(variable)
      bookkeeping.ownVariables = nil
      // Outside the first call's build, this is a build by hand (or weights made in `init`):
      // the layer is built, as Keras marks it after `build`.
      if !inFirstBuild, !bookkeeping.built {
        bookkeeping.built = true
        builtFlag.store(true, ordering: .releasing)
      }
    }
    LayerStructure.changed()
    return variable
  }

  /// The direct sublayers with the property path they sit at (`"hidden"`, `"layers.1"`).
  public var sublayers: [(String, Layer)] {
    if let cached = lock.withLock({ bookkeeping.sublayers }) { return cached }
    var found: [(String, Layer)] = []
    var seen = Set<ObjectIdentifier>()
    var mirror: Mirror? = Mirror(reflecting: self)
    var levels: [Mirror] = []
    while let current = mirror {
      levels.append(current)
      mirror = current.superclassMirror
    }
    for level in levels.reversed() {
      for child in level.children {
        guard let label = child.label else { continue }
        Self.collect(child.value, path: Self.cleanLabel(label), into: &found, seen: &seen)
      }
    }
    lock.withLock { if bookkeeping.built { bookkeeping.sublayers = found } }
    return found
  }

  /// Variables this layer owns directly: `addWeight` ones first, then stored properties.
  var ownVariables: [Variable] {
    let (cached, added) = lock.withLock { (bookkeeping.ownVariables, bookkeeping.addedWeights) }
    if let cached { return cached }
    var result = added
    var seen = Set(added.map(ObjectIdentifier.init))
    var mirror: Mirror? = Mirror(reflecting: self)
    while let current = mirror {
      for child in current.children {
        for variable in Self.variables(in: child.value)
        where seen.insert(ObjectIdentifier(variable)).inserted {
          result.append(variable)
        }
      }
      mirror = current.superclassMirror
    }
    // Reflection is slow; once built, a layer's variables no longer change.
    lock.withLock { if bookkeeping.built { bookkeeping.ownVariables = result } }
    return result
  }

  /// Every weight, this layer's own first, then each sublayer's in order, each once.
  /// Paths are assigned from the structure (`"hidden.kernel"`).
  public var weights: [Variable] {
    let version = LayerStructure.version
    if let cached = lock.withLock({ bookkeeping.weights }), cached.version == version {
      return cached.weights
    }
    var result: [Variable] = []
    var seen = Set<ObjectIdentifier>()
    var visited = Set<ObjectIdentifier>()
    collectWeights(prefix: "", into: &result, seen: &seen, visited: &visited)
    lock.withLock { if bookkeeping.built { bookkeeping.weights = (version, result) } }
    return result
  }

  /// The weights optimizers update.
  public var trainableWeights: [Variable] { weights.filter(\.trainable) }
  /// The weights optimizers leave alone.
  public var nonTrainableWeights: [Variable] { weights.filter { !$0.trainable } }
  /// Keras's alias of ``trainableWeights``.
  public var trainableVariables: [Variable] { trainableWeights }
  /// Keras's alias of ``weights``.
  public var variables: [Variable] { weights }

  /// The number of scalars in every weight.
  public func countParams() -> Int { weights.reduce(0) { $0 + $1.count } }

  /// Copies of every weight's current value, in ``weights`` order.
  public func getWeights() -> [Tensor] { weights.map(\.value) }

  /// Assigns every weight, in ``weights`` order; counts, shapes and dtypes must match.
  public func setWeights(_ values: [Tensor]) throws {
    let targets = weights
    guard values.count == targets.count else {
      throw PlexusError.invalidArgument(
        context: "\(identity).setWeights",
        message: "expected \(targets.count) weights, received \(values.count)")
    }
    // Check every weight before assigning any, so a bad list leaves the layer as it was.
    for (index, (variable, value)) in zip(targets, values).enumerated() {
      guard value.dtype == variable.dtype else {
        throw PlexusError.dtypeMismatch(
          context: "\(identity).setWeights, weight \(index) ('\(variable.path)')",
          expected: "\(variable.dtype)", received: "\(value.dtype); cast it first")
      }
      guard value.shape == variable.shape else {
        throw PlexusError.shapeMismatch(
          context: "\(identity).setWeights, weight \(index) ('\(variable.path)')",
          expected: "\(variable.shape)", received: "\(value.shape)")
      }
    }
    for (variable, value) in zip(targets, values) { try variable.assign(value) }
  }

  /// Each layer is walked once (`visited`): a layer that holds a layer above it — a
  /// subclassed model with a property pointing back at itself, say — cannot send the walk
  /// round forever.
  private func collectWeights(
    prefix: String, into result: inout [Variable], seen: inout Set<ObjectIdentifier>,
    visited: inout Set<ObjectIdentifier>
  ) {
    guard visited.insert(ObjectIdentifier(self)).inserted else { return }
    for variable in ownVariables where seen.insert(ObjectIdentifier(variable)).inserted {
      variable.path = prefix + variable.name
      result.append(variable)
    }
    for (path, layer) in sublayers {
      layer.collectWeights(
        prefix: prefix + path + ".", into: &result, seen: &seen, visited: &visited)
    }
  }

  private static func cleanLabel(_ label: String) -> String {
    // Lazy and wrapped properties are stored as `$__lazy_storage_$_x` or `_x`.
    let trimmed = label.hasPrefix("$__lazy_storage_$_") ? String(label.dropFirst(18)) : label
    return trimmed.hasPrefix("_") ? String(trimmed.dropFirst()) : trimmed
  }

  private static func collect(
    _ value: Any, path: String, into found: inout [(String, Layer)],
    seen: inout Set<ObjectIdentifier>
  ) {
    if let layer = value as? Layer {
      if seen.insert(ObjectIdentifier(layer)).inserted { found.append((path, layer)) }
    } else if let layers = value as? [Layer] {
      // Layers in a list are addressed by their unique names, as Keras's paths do.
      for layer in layers where seen.insert(ObjectIdentifier(layer)).inserted {
        found.append((layer.name, layer))
      }
    } else if let optional = value as? Layer?, let layer = optional {
      if seen.insert(ObjectIdentifier(layer)).inserted { found.append((path, layer)) }
    }
  }

  private static func variables(in value: Any) -> [Variable] {
    if let variable = value as? Variable { return [variable] }
    if let variables = value as? [Variable] { return variables }
    if let optional = value as? Variable?, let variable = optional { return [variable] }
    return []
  }
}

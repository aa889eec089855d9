extension Layer {
  /// The path Keras gives each weight, in ``weights`` order: `"dense/kernel"` for a layer's
  /// own weight; a Sequential or subclassed model puts its name in front of its layers'
  /// (`"mlp/hidden/kernel"`), as Keras's name scopes do, while a Functional model's layers keep
  /// their own (`"shared/kernel"`). Plexus's structural paths (``Variable/path``,
  /// `"hidden.kernel"`) are unchanged; these are the names a Keras user looks for.
  ///
  /// ```swift
  /// zip(model.kerasWeightPaths, model.weights)  // ("mlp/hidden/kernel", <Variable ...>), ...
  /// ```
  public var kerasWeightPaths: [String] {
    var result: [String] = []
    var seen = Set<ObjectIdentifier>()
    var visited = Set<ObjectIdentifier>()
    collectKerasPaths(scope: "", into: &result, seen: &seen, visited: &visited)
    return result
  }

  /// The weight whose Keras path is `path` (`"dense/kernel"`), or nil.
  public func weight(kerasPath path: String) -> Variable? {
    zip(kerasWeightPaths, weights).first { $0.0 == path }?.1
  }

  private func collectKerasPaths(
    scope: String, into result: inout [String], seen: inout Set<ObjectIdentifier>,
    visited: inout Set<ObjectIdentifier>
  ) {
    guard visited.insert(ObjectIdentifier(self)).inserted else { return }
    let ownScope = scope + name + "/"
    for variable in ownVariables where seen.insert(ObjectIdentifier(variable)).inserted {
      result.append(ownScope + variable.name)
    }
    // Keras's wrappers (Bidirectional, TimeDistributed) open no name scope of their own: the
    // wrapped layer's weights are `forward_lstm/lstm_cell/kernel`, not under the wrapper.
    let opensNoScope =
      (self as? Model)?.graph != nil || self is Bidirectional
      || self is TimeDistributed
    let childScope = opensNoScope ? scope : ownScope
    for (_, layer) in sublayers {
      layer.collectKerasPaths(scope: childScope, into: &result, seen: &seen, visited: &visited)
    }
  }
}

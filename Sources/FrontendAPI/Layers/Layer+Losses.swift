/// A layer that adds penalties of its own to the training loss: weight regularizers, activity
/// regularizers, or any extra loss a custom layer computes. `fit` and ``Model/trainStep(_:_:)``
/// add every such penalty of every layer of the model (Keras's `model.losses`).
public protocol RegularizedLayer: Layer {
  /// The penalties to add, each a scalar, recorded on the tape when one is recording.
  var regularizationLosses: [Tensor] { get throws }
}

extension RegularizedLayer {
  /// The penalty of each regularized weight of `pairs` that exists (built), in order.
  func penalties(_ pairs: [((any Regularizer)?, Variable?)]) throws -> [Tensor] {
    try pairs.compactMap { regularizer, variable in
      guard let regularizer, let variable else { return nil }
      return try regularizer(variable.value)
    }
  }
}

extension Layer {
  /// The penalties of this layer and of every sublayer, each once. Equivalent to Keras's
  /// `layer.losses`.
  public var losses: [Tensor] {
    get throws {
      var result: [Tensor] = []
      for layer in regularizedLayers { result += try layer.regularizationLosses }
      return result
    }
  }

  /// This layer and its sublayers that add penalties, each once: found by a walk of the
  /// structure only when it changed, since a training step asks every time.
  private var regularizedLayers: [any RegularizedLayer] {
    let version = LayerStructure.version
    if let cached = lock.withLock({ bookkeeping.regularized }), cached.version == version {
      return cached.layers
    }
    var result: [any RegularizedLayer] = []
    var seen = Set<ObjectIdentifier>()
    collectRegularized(into: &result, seen: &seen)
    lock.withLock { if bookkeeping.built { bookkeeping.regularized = (version, result) } }
    return result
  }

  private func collectRegularized(
    into result: inout [any RegularizedLayer], seen: inout Set<ObjectIdentifier>
  ) {
    guard seen.insert(ObjectIdentifier(self)).inserted else { return }
    if let regularized = self as? any RegularizedLayer { result.append(regularized) }
    for (_, layer) in sublayers { layer.collectRegularized(into: &result, seen: &seen) }
  }
}

/// A penalty computed during a call and read after it, guarded so that concurrent `predict`
/// calls on one model stay safe.
final class LossSlot: Sendable {
  private let value = Locked<Tensor?>(nil)

  func store(_ loss: Tensor) { value.withLock { $0 = loss } }

  func load() -> Tensor? { value.withLock { $0 } }
}

import BackendProtocol
import Plexus

/// What a `px_layer` handle holds: a layer, and the model it went into, if any.
final class LayerHandle {
  let layer: Layer
  /// The name of the model the layer was added to (a layer goes into one model only); a lock
  /// of its own, as two threads may add one layer to two models at once.
  private let owner = Locked<String?>(nil)

  init(_ layer: Layer) {
    self.layer = layer
  }

  /// Records `model` as the layer's owner; returns the earlier owner instead when there is one.
  func claim(for model: String) -> String? {
    owner.withLock { current in
      if let current { return current }
      current = model
      return nil
    }
  }

  /// Undoes ``claim(for:)`` when adding the layer failed.
  func unclaim() {
    owner.withLock { $0 = nil }
  }

  /// The handle object behind a live `px_layer` handle.
  static func box(_ handle: OpaquePointer?, in function: String) throws -> LayerHandle {
    let object = try HandleTable.shared.object(
      handle, kind: .layer, argument: "layer", function: function)
    guard let box = object as? LayerHandle else {
      throw invalidArgument(function, "layer is not a px_layer handle")
    }
    return box
  }
}
